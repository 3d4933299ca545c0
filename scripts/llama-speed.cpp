// llama-speed: llama.cpp's prefill and batch-1 decode speed, measured as llama-bench measures them, for
// `plt bench --peer llama.cpp` when llama-bench itself is not built yet (it needs llama.cpp's large "common"
// library, which takes long to compile on a shared 2-core machine; this needs only libllama). Written for this
// project; it takes the subset of llama-bench's options that PeerBench passes and prints the same JSON fields.
//
//   llama-speed -m MODEL.gguf [-p N_PROMPT] [-n N_GEN] [-d N_DEPTH] [-t THREADS] [-r REPS] [-o json] [-ngl 0]
//
// Like llama-bench: llama.cpp's default context settings (n_batch 2048, n_ubatch 512, f16 KV cache, flash
// attention auto); random token ids; one untimed warm-up run of each test; before each run the KV cache is
// cleared and N_DEPTH random tokens are decoded untimed; prefill decodes N_PROMPT tokens in n_batch chunks,
// decode N_GEN tokens one at a time, each followed by llama_synchronize. Prints a JSON array with one object per
// test (prefill when N_PROMPT > 0, decode when N_GEN > 0): n_prompt, n_gen, n_depth, n_threads, avg_ts (tokens
// per second, mean over REPS), samples_ts.
#include "llama.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

static void quiet(enum ggml_log_level level, const char * text, void *) {
    if (level >= GGML_LOG_LEVEL_WARN) {
        fputs(text, stderr);
    }
}

static bool decode_random(llama_context * ctx, int n_vocab, int n_tokens, int n_batch, bool one_by_one) {
    std::vector<llama_token> tokens(one_by_one ? 1 : n_batch);
    for (int done = 0; done < n_tokens;) {
        int n = one_by_one ? 1 : std::min(n_tokens - done, n_batch);
        for (int i = 0; i < n; i++) {
            tokens[i] = std::rand() % n_vocab;
        }
        if (llama_decode(ctx, llama_batch_get_one(tokens.data(), n)) != 0) {
            fprintf(stderr, "llama-speed: llama_decode failed\n");
            return false;
        }
        if (one_by_one) {
            llama_synchronize(ctx);
        }
        done += n;
    }
    llama_synchronize(ctx);
    return true;
}

// One test: warm-up, then reps timed runs; returns tokens per second of each run (empty on failure).
static std::vector<double> run_test(llama_context * ctx, int n_vocab, int n_batch, int n_prompt, int n_gen,
                                    int n_depth, int reps) {
    std::vector<double> samples;
    for (int r = -1; r < reps; r++) {
        llama_memory_clear(llama_get_memory(ctx), true);
        if (n_depth > 0 && !decode_random(ctx, n_vocab, n_depth, n_batch, false)) {
            return {};
        }
        const bool gen = n_gen > 0;
        const int n = gen ? n_gen : n_prompt;
        // The warm-up (r = -1) of a decode test is one token, as llama-bench's.
        const int count = r < 0 && gen ? 1 : n;
        auto start = std::chrono::steady_clock::now();
        if (!decode_random(ctx, n_vocab, count, n_batch, gen)) {
            return {};
        }
        double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (r >= 0) {
            samples.push_back(n / seconds);
        }
    }
    return samples;
}

int main(int argc, char ** argv) {
    std::string model_path;
    int n_prompt = 512, n_gen = 128, n_depth = 0, threads = 1, reps = 1;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        if (i + 1 >= argc) {
            fprintf(stderr, "llama-speed: %s needs a value\n", a.c_str());
            return 2;
        }
        std::string v = argv[++i];
        if (a == "-m") model_path = v;
        else if (a == "-p") n_prompt = atoi(v.c_str());
        else if (a == "-n") n_gen = atoi(v.c_str());
        else if (a == "-d") n_depth = atoi(v.c_str());
        else if (a == "-t") threads = atoi(v.c_str());
        else if (a == "-r") reps = atoi(v.c_str());
        else if (a == "-o" || a == "-ngl") continue; // json only; CPU only
        else {
            fprintf(stderr, "llama-speed: unknown option %s\n", a.c_str());
            return 2;
        }
    }
    if (model_path.empty() || reps < 1 || threads < 1) {
        fprintf(stderr, "usage: %s -m MODEL.gguf [-p N] [-n N] [-d N] [-t N] [-r N]\n", argv[0]);
        return 2;
    }
    llama_log_set(quiet, nullptr);
    llama_backend_init();
    llama_model_params mparams = llama_model_default_params();
    mparams.n_gpu_layers = 0;
    llama_model * model = llama_model_load_from_file(model_path.c_str(), mparams);
    if (model == nullptr) {
        fprintf(stderr, "llama-speed: llama.cpp cannot load %s\n", model_path.c_str());
        return 2;
    }
    const int n_vocab = llama_vocab_n_tokens(llama_model_get_vocab(model));
    llama_context_params cparams = llama_context_default_params();
    cparams.n_ctx = n_depth + std::max(n_prompt, n_gen) + 1;
    cparams.n_threads = threads;
    cparams.n_threads_batch = threads;
    llama_context * ctx = llama_init_from_model(model, cparams);
    if (ctx == nullptr) {
        fprintf(stderr, "llama-speed: cannot create a context\n");
        return 4;
    }
    const int n_batch = (int) llama_n_batch(ctx);
    std::srand(1234);
    printf("[\n");
    bool first = true;
    for (int test = 0; test < 2; test++) {
        const int p = test == 0 ? n_prompt : 0;
        const int g = test == 0 ? 0 : n_gen;
        if (p + g == 0) {
            continue;
        }
        std::vector<double> ts = run_test(ctx, n_vocab, n_batch, p, g, n_depth, reps);
        if (ts.empty()) {
            return 4;
        }
        double avg = 0;
        std::string samples;
        for (double s : ts) {
            avg += s / ts.size();
            samples += (samples.empty() ? "" : ", ") + std::to_string(s);
        }
        printf("%s  {\"n_prompt\": %d, \"n_gen\": %d, \"n_depth\": %d, \"n_threads\": %d, \"avg_ts\": %.6f, "
               "\"samples_ts\": [ %s ]}", first ? "" : ",\n", p, g, n_depth, threads, avg, samples.c_str());
        first = false;
    }
    printf("\n]\n");
    llama_free(ctx);
    llama_model_free(model);
    return 0;
}
