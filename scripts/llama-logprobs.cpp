// llama-logprobs: the log-probability llama.cpp gives each next token of one sequence of token ids, so that
// the check LlamaCppGgufParityTest (jobs) can compare it with the engine's (plt export-gguf, docs/BENCHMARKS.md).
// Built by scripts/build-llama-cpp.sh against llama.cpp's own static libraries; written for this project.
//
//   llama-logprobs MODEL.gguf IDS_FILE [THREADS]
//
// IDS_FILE: token ids separated by white space (no BOS is added: the ids are fed as they are).
// Prints one line per position t = 1..n-1: "t id logprob", logprob = log softmax(logits after t-1 tokens)[id],
// computed in double from llama.cpp's f32 logits, with 9 significant digits. Messages go to stderr.
#include "llama.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <vector>

static void quiet(enum ggml_log_level level, const char * text, void *) {
    if (level >= GGML_LOG_LEVEL_WARN) {
        fputs(text, stderr);
    }
}

int main(int argc, char ** argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s MODEL.gguf IDS_FILE [THREADS]\n", argv[0]);
        return 2;
    }
    std::vector<llama_token> ids;
    {
        std::ifstream in(argv[2]);
        if (!in) {
            fprintf(stderr, "llama-logprobs: cannot read %s\n", argv[2]);
            return 2;
        }
        long id;
        while (in >> id) {
            ids.push_back((llama_token) id);
        }
    }
    if (ids.size() < 2) {
        fprintf(stderr, "llama-logprobs: %s needs at least 2 token ids\n", argv[2]);
        return 2;
    }
    const int threads = argc > 3 ? atoi(argv[3]) : 1;

    llama_log_set(quiet, nullptr);
    llama_backend_init();
    llama_model_params mparams = llama_model_default_params();
    mparams.n_gpu_layers = 0;
    llama_model * model = llama_model_load_from_file(argv[1], mparams);
    if (model == nullptr) {
        fprintf(stderr, "llama-logprobs: llama.cpp cannot load %s\n", argv[1]);
        return 2;
    }
    const int n_vocab = llama_vocab_n_tokens(llama_model_get_vocab(model));
    for (llama_token id : ids) {
        if (id < 0 || id >= n_vocab) {
            fprintf(stderr, "llama-logprobs: token id %d is outside the vocabulary of %d\n", id, n_vocab);
            return 2;
        }
    }

    const int n = (int) ids.size();
    llama_context_params cparams = llama_context_default_params();
    cparams.n_ctx = n;
    cparams.n_batch = n;
    cparams.n_ubatch = n;
    cparams.n_threads = threads;
    cparams.n_threads_batch = threads;
    // f32 KV cache and no flash attention: llama.cpp's defaults (an f16 cache, f16 in the attention kernel) would
    // add their own rounding to the comparison with the engine, whose cache is f32.
    cparams.type_k = GGML_TYPE_F32;
    cparams.type_v = GGML_TYPE_F32;
    cparams.flash_attn_type = LLAMA_FLASH_ATTN_TYPE_DISABLED;
    llama_context * ctx = llama_init_from_model(model, cparams);
    if (ctx == nullptr) {
        fprintf(stderr, "llama-logprobs: cannot create a context of %d tokens\n", n);
        return 4;
    }

    // One batch, every position's logits kept: the same prefill the engine does.
    llama_batch batch = llama_batch_init(n, 0, 1);
    for (int i = 0; i < n; i++) {
        batch.token[i] = ids[i];
        batch.pos[i] = i;
        batch.n_seq_id[i] = 1;
        batch.seq_id[i][0] = 0;
        batch.logits[i] = 1;
    }
    batch.n_tokens = n;
    if (llama_decode(ctx, batch) != 0) {
        fprintf(stderr, "llama-logprobs: llama_decode failed\n");
        return 4;
    }
    for (int t = 1; t < n; t++) {
        const float * logits = llama_get_logits_ith(ctx, t - 1);
        double max = logits[0];
        for (int v = 1; v < n_vocab; v++) {
            max = logits[v] > max ? logits[v] : max;
        }
        double sum = 0;
        for (int v = 0; v < n_vocab; v++) {
            sum += std::exp((double) logits[v] - max);
        }
        printf("%d %d %.9g\n", t, ids[t], (double) logits[ids[t]] - max - std::log(sum));
    }
    llama_batch_free(batch);
    llama_free(ctx);
    llama_model_free(model);
    return 0;
}
