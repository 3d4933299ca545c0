#!/usr/bin/env python3
"""PyTorch eager peer of the CUDA backend's decode-latency table (dev.plt.model.cuda.DecodeLatencyBenchmark).

Same shape (TinyLlama 1.1B: d 2048, ff 5632, 22 layers, 32 heads over 4 KV heads of 64, vocab 32000), bf16
weights, greedy decode with a KV cache, for non-loop, vanilla loop-2 and PLT-2 (KV share + G-SWA, query
gate, w = 64). PLT-2 runs like the Java engine: each step is ONE pass over B x 2 rows; both rows' queries
attend over loop 1's cache in one attention call; loop 2 adds its window from a (w+1)-slot ring buffer.

The caches are filled with random values for `--prompt` positions instead of a real prefill: decode cost
depends on the context length, not its contents, and the peer is only timed on decode steps.

`--self-check` first runs a tiny model in float32 and compares step-by-step decoding of each family with
a full-sequence forward written straight from plt-spec sections 3-4, so the timed code is known to compute
PLT, not just something of the same size.

NOT RUN YET: written on a machine with neither PyTorch nor a GPU; scripts/gpu-check.sh runs it.
"""
import argparse
import json
import math
import statistics
import sys
import time

import torch
import torch.nn.functional as F

ONE_BILLION = dict(d=2048, ff=5632, layers=22, heads=32, kv_heads=4, head_dim=64, vocab=32000, window=64)
TINY = dict(d=64, ff=96, layers=2, heads=4, kv_heads=2, head_dim=16, vocab=97, window=3)


def rms_norm(x, weight, eps=1e-5):
    xf = x.float()
    return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)).to(x.dtype) * weight


def rotate(x, cos, sin):
    """HF rotate-half RoPE; x [..., head_dim], cos/sin broadcastable to [..., head_dim / 2]."""
    half = x.shape[-1] // 2
    x1, x2 = x[..., :half], x[..., half:]
    return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], dim=-1)


class Model:
    """Random weights of one shape; `family` is 'non-loop', 'vanilla loop-2' or 'PLT-2'."""

    def __init__(self, shape, family, device, dtype, seed=0, max_positions=4096):
        self.s = shape
        self.family = family
        self.loops = 1 if family == "non-loop" else 2
        self.dtype = dtype
        g = torch.Generator(device=device).manual_seed(seed)

        def mat(rows, cols, std):
            u = torch.rand(rows, cols, generator=g, device=device, dtype=torch.float32) * 2 - 1
            return (u * std * math.sqrt(3)).to(dtype)

        d, ff, hd = shape["d"], shape["ff"], shape["head_dim"]
        q, kv = shape["heads"] * hd, shape["kv_heads"] * hd
        self.embed = mat(shape["vocab"], d, 1.0)
        self.head = mat(shape["vocab"], d, 1 / math.sqrt(d))
        self.final_norm = torch.ones(d, device=device, dtype=dtype)
        self.layers = []
        for _ in range(shape["layers"]):
            layer = dict(
                in_norm=(1 + 0.1 * torch.randn(d, generator=g, device=device)).to(dtype),
                post_norm=(1 + 0.1 * torch.randn(d, generator=g, device=device)).to(dtype),
                qkv=mat(q + 2 * kv, d, 1 / math.sqrt(d)),
                o=mat(d, q, 1 / math.sqrt(q)),
                gate_up=mat(2 * ff, d, 1 / math.sqrt(d)),
                down=mat(d, ff, 1 / math.sqrt(ff)))
            if family == "PLT-2":
                layer["gate_w"] = mat(shape["heads"], hd, 1 / math.sqrt(hd))
                layer["gate_b"] = (0.5 * torch.randn(shape["heads"], generator=g, device=device)).to(dtype)
            self.layers.append(layer)
        inv = 10000.0 ** (-torch.arange(0, hd // 2, device=device, dtype=torch.float64) * 2 / hd)
        angles = torch.arange(max_positions, device=device, dtype=torch.float64)[:, None] * inv[None, :]
        self.cos = angles.cos().to(torch.float32).to(dtype)
        self.sin = angles.sin().to(torch.float32).to(dtype)

    # ---------------------------------------------------------------- pieces shared by all families
    def project(self, layer, h, positions):
        """RMSNorm + fused q/k/v + RoPE. h [..., d], positions broadcastable to h[..., 0]."""
        s = self.s
        hd, H, KV = s["head_dim"], s["heads"], s["kv_heads"]
        x = rms_norm(h, layer["in_norm"])
        qkv = x @ layer["qkv"].T
        q, k, v = qkv.split([H * hd, KV * hd, KV * hd], dim=-1)
        cos = self.cos[positions].unsqueeze(-2)
        sin = self.sin[positions].unsqueeze(-2)
        q = rotate(q.unflatten(-1, (H, hd)), cos, sin)
        k = rotate(k.unflatten(-1, (KV, hd)), cos, sin)
        return q, k, v.unflatten(-1, (KV, hd))

    def finish(self, layer, h, y):
        """o_proj + residual, RMSNorm, SwiGLU MLP + residual. y [..., heads * head_dim]."""
        h = h + y @ layer["o"].T
        gate, up = (rms_norm(h, layer["post_norm"]) @ layer["gate_up"].T).chunk(2, dim=-1)
        return h + (F.silu(gate) * up) @ layer["down"].T

    def logits(self, h):
        return rms_norm(h, self.final_norm) @ self.head.T

    # ---------------------------------------------------------------- decoding with caches
    def new_state(self, batch, max_len, fill_to=0):
        """Caches [batch, kv_heads, positions, head_dim] per layer: one full cache per loop for non-loop and
        vanilla loop-2; for PLT-2 loop 1's full cache plus loop 2's (w+1)-slot ring, and the carry."""
        s = self.s
        dev = self.embed.device
        shape = (s["layers"], batch, s["kv_heads"], max_len, s["head_dim"])

        def cache(positions=max_len):
            t = torch.zeros(shape[:3] + (positions,) + shape[4:], device=dev, dtype=self.dtype)
            if fill_to:
                t[:, :, :, :min(fill_to, positions)].normal_()
            return t

        state = dict(pos=fill_to)
        full_caches = self.loops if self.family != "PLT-2" else 1
        state["k"] = [cache() for _ in range(full_caches)]
        state["v"] = [cache() for _ in range(full_caches)]
        if self.family == "PLT-2":
            state["ring_k"] = cache(s["window"] + 1)
            state["ring_v"] = cache(s["window"] + 1)
            state["carry"] = torch.zeros(batch, s["d"], device=dev, dtype=self.dtype)
            if fill_to:
                state["carry"].normal_()
        return state

    def full_pass(self, h, pos, k_cache, v_cache):
        """One loop over B rows at position pos, attending causally over its own full cache."""
        B = h.shape[0]
        for i, layer in enumerate(self.layers):
            q, k, v = self.project(layer, h, torch.full((B,), pos, device=h.device))
            k_cache[i][:, :, pos] = k
            v_cache[i][:, :, pos] = v
            y = F.scaled_dot_product_attention(q.unsqueeze(2), k_cache[i][:, :, :pos + 1],
                                               v_cache[i][:, :, :pos + 1], enable_gqa=True)
            h = self.finish(layer, h, y.flatten(1))
        return h

    def plt_pass(self, h, pos, state):
        """The CLP step: h [B, 2, d] holds both loops' inputs at position pos; one pass for both rows."""
        s = self.s
        B = h.shape[0]
        w = s["window"]
        slot = pos % (w + 1)
        valid = min(pos + 1, w + 1)  # ring slots holding positions max(0, pos-w) .. pos
        for i, layer in enumerate(self.layers):
            q, k, v = self.project(layer, h, torch.full((B, 2), pos, device=h.device))  # q [B, 2, H, hd]
            k1, v1 = state["k"][0][i], state["v"][0][i]
            k1[:, :, pos] = k[:, 0]  # loop 1 writes before either row attends (plt-spec 3)
            v1[:, :, pos] = v[:, 0]
            # Both rows' queries over loop 1's cache in one call: the cache is read once per step.
            y_global = F.scaled_dot_product_attention(q.transpose(1, 2), k1[:, :, :pos + 1], v1[:, :, :pos + 1],
                                                      enable_gqa=True)  # [B, H, 2, hd]
            rk, rv = state["ring_k"][i], state["ring_v"][i]
            rk[:, :, slot] = k[:, 1]
            rv[:, :, slot] = v[:, 1]
            y_local = F.scaled_dot_product_attention(q[:, 1].unsqueeze(2), rk[:, :, :valid], rv[:, :, :valid],
                                                     enable_gqa=True)[:, :, 0]  # [B, H, hd]
            g = torch.sigmoid((q[:, 1] * layer["gate_w"]).sum(-1) + layer["gate_b"]).unsqueeze(-1)  # [B, H, 1]
            y_loop2 = g * y_global[:, :, 1] + (1 - g) * y_local
            y = torch.stack([y_global[:, :, 0], y_loop2], dim=1)  # [B, 2, H, hd]
            h = self.finish(layer, h, y.flatten(2))
        return h

    def step(self, tokens, state):
        """Appends one token per sequence; returns the logits of the new position [B, vocab]."""
        pos = state["pos"]
        e = self.embed[tokens]
        if self.family == "non-loop":
            h = self.full_pass(e, pos, state["k"][0], state["v"][0])
        elif self.family == "vanilla loop-2":
            h = self.full_pass(e, pos, state["k"][0], state["v"][0])
            h = self.full_pass(h, pos, state["k"][1], state["v"][1])
        else:
            h = self.plt_pass(torch.stack([e, e + state["carry"]], dim=1), pos, state)  # a = b = 1
            state["carry"] = h[:, 0]
            h = h[:, 1]
        state["pos"] = pos + 1
        return self.logits(h)

    # ---------------------------------------------------------------- the spec, for --self-check
    def reference(self, tokens):
        """Full-sequence forward with training semantics (plt-spec 3-4), no caches: logits [n, vocab]."""
        s = self.s
        n = tokens.shape[0]
        w = s["window"]
        positions = torch.arange(n, device=tokens.device)
        causal = torch.ones(n, n, dtype=torch.bool, device=tokens.device).tril()
        window = causal & (positions[:, None] - positions[None, :] <= w)
        e = self.embed[tokens]
        loop1_kv = []
        previous = None
        for loop in range(self.loops):
            if loop == 0:
                h = e
            elif self.family == "vanilla loop-2":
                h = previous
            else:
                shifted = torch.cat([torch.zeros_like(previous[:1]), previous[:-1]])
                h = e + shifted
            for i, layer in enumerate(self.layers):
                q, k, v = self.project(layer, h, positions)  # [n, heads, hd]
                if loop == 0:
                    loop1_kv.append((k, v))

                def attend(keys, values, mask):
                    return F.scaled_dot_product_attention(q.transpose(0, 1), keys.transpose(0, 1),
                                                          values.transpose(0, 1), attn_mask=mask,
                                                          enable_gqa=True).transpose(0, 1)

                if loop == 0 or self.family == "vanilla loop-2":
                    y = attend(k, v, causal)
                else:
                    y_global = attend(*loop1_kv[i], causal)
                    y_local = attend(k, v, window)
                    g = torch.sigmoid((q * layer["gate_w"]).sum(-1) + layer["gate_b"]).unsqueeze(-1)
                    y = g * y_global + (1 - g) * y_local
                h = self.finish(layer, h, y.flatten(1))
            previous = h
        return self.logits(previous)


def self_check(device):
    """Step-by-step decoding equals the full-sequence forward, per family, on a tiny float32 model."""
    ok = True
    for family in ("non-loop", "vanilla loop-2", "PLT-2"):
        model = Model(TINY, family, device, torch.float32, seed=3, max_positions=64)
        tokens = torch.randint(0, TINY["vocab"], (12,), device=device, generator=torch.Generator(device=device).manual_seed(5))
        expected = model.reference(tokens)
        state = model.new_state(1, 16)
        worst = 0.0
        for t in range(tokens.shape[0]):
            got = model.step(tokens[t:t + 1], state)[0]
            worst = max(worst, (got - expected[t]).abs().max().item())
        passed = worst < 1e-3
        ok &= passed
        print(f"self-check {family:16s} max |step - reference| = {worst:.2e}  {'PASS' if passed else 'FAIL'}")
    return ok


def time_decode(family, batches, prompt, warmup, steps, device):
    model = Model(ONE_BILLION, family, device, torch.bfloat16, seed=1)
    params = sum(t.numel() for t in [model.embed, model.head] + [x for l in model.layers for x in l.values()])
    rows = []
    for batch in batches:
        state = model.new_state(batch, prompt + warmup + steps + 1, fill_to=prompt)
        tokens = torch.randint(0, ONE_BILLION["vocab"], (batch,), device=device)
        times = []
        with torch.inference_mode():
            for i in range(warmup + steps):
                torch.cuda.synchronize()
                t0 = time.perf_counter()
                tokens = model.step(tokens, state).argmax(-1)
                torch.cuda.synchronize()
                if i >= warmup:
                    times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        median = statistics.median(times)
        rows.append(dict(family=family, batch=batch, median_ms=median, p90_ms=times[min(len(times) - 1, math.ceil(0.9 * len(times)) - 1)],
                         tokens_per_s=batch * 1000 / median, parameters=params))
        del state
        torch.cuda.empty_cache()
    del model
    torch.cuda.empty_cache()
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", default="1,32,128")
    parser.add_argument("--prompt", type=int, default=128)
    parser.add_argument("--warmup", type=int, default=4)
    parser.add_argument("--steps", type=int, default=32)
    parser.add_argument("--out", default=None, help="write the rows as JSON here")
    parser.add_argument("--self-check", action="store_true")
    args = parser.parse_args()
    if not torch.cuda.is_available():
        print("plt_torch_peer: no CUDA device visible to PyTorch", file=sys.stderr)
        return 2
    device = torch.device("cuda")
    torch.backends.cuda.matmul.allow_tf32 = False
    if args.self_check and not self_check(device):
        return 1
    batches = [int(b) for b in args.batches.split(",")]
    print(f"PyTorch {torch.__version__} eager, {torch.cuda.get_device_name()}, prompt {args.prompt}, "
          f"{args.steps} timed steps after {args.warmup}")
    print(f"{'family':16s} {'batch':>6s} {'ms/step':>12s} {'p90 ms':>10s} {'tokens/s':>12s}")
    rows = []
    for family in ("non-loop", "vanilla loop-2", "PLT-2"):
        for row in time_decode(family, batches, args.prompt, args.warmup, args.steps, device):
            rows.append(row)
            print(f"{row['family']:16s} {row['batch']:6d} {row['median_ms']:12.3f} {row['p90_ms']:10.3f} "
                  f"{row['tokens_per_s']:12.0f}", flush=True)
    if args.out:
        with open(args.out, "w") as f:
            json.dump(rows, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
