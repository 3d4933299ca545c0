#!/usr/bin/env python3
"""Tables and learning curves of issue 16's experiment, from docs/results/chase/*.json (written by
scripts/chase-experiment.sh). Prints the markdown tables of docs/RESULTS.md (pointer chasing, then language
modelling) and writes docs/chase-curves.svg and docs/lm-curves.svg.
Run from the repository root: python3 scripts/chase-results.py"""
import glob, json, math, os, statistics

RESULTS = 'docs/results/chase'
SVG = 'docs/chase-curves.svg'
LM_SVG = 'docs/lm-curves.svg'
LM_FAMILIES = ['nonloop', 'loop2', 'plt2-kvshare', 'plt2', 'plt3']
FAMILIES = ['nonloop', 'loop2', 'plt2-kvshare', 'plt2', 'plt2-hiddengate', 'plt3', 'loop3']
NAMES = {'nonloop': 'non-loop', 'loop2': 'vanilla loop-2', 'plt2-kvshare': 'PLT-2 KV-share only',
         'plt2': 'PLT-2 (query gate)', 'plt2-hiddengate': 'PLT-2 (hidden-state gate)', 'plt3': 'PLT-3',
         'loop3': 'vanilla loop-3'}
COLORS = {'nonloop': '#777777', 'loop2': '#1f77b4', 'plt2-kvshare': '#ff7f0e', 'plt2': '#2ca02c',
          'plt2-hiddengate': '#9467bd', 'plt3': '#d62728', 'loop3': '#17becf'}

runs = [json.load(open(f)) for f in sorted(glob.glob(os.path.join(RESULTS, 'chase-*.json')))]
lm_runs = [json.load(open(f)) for f in sorted(glob.glob(os.path.join(RESULTS, 'lm-*.json')))]

def mean_se(values):
    if len(values) == 1:
        return f'{values[0]:.3f}'
    return f'{statistics.mean(values):.3f} ± {statistics.stdev(values) / math.sqrt(len(values)):.3f}'


BITS_PER_NAT = 1 / math.log(2)

for order in ('qh', 'hq'):
    rows = [r for r in runs if r['order'] == order]
    if not rows:
        continue
    print(f'\n| order `{order}` | seeds | parameters | hop 1 | hop 2 | 2-hop by seed | s/step (by seed) |')
    print('|---|---|---|---|---|---|---|')
    plan_steps = min(r['steps'] for r in rows)  # the confs' own length; longer runs get rows of their own
    for family, steps in sorted({(r['family'], r['steps']) for r in rows}, key=lambda fs: (FAMILIES.index(fs[0]), fs[1])):
        fr = sorted((r for r in rows if r['family'] == family and r['steps'] == steps), key=lambda r: r['seed'])
        label = NAMES[family] + ('' if steps == plan_steps else f', {steps:,} steps')
        print(f"| {label} | {','.join(str(r['seed']) for r in fr)} | {fr[0]['parameters']:,} | "
              f"{mean_se([r['engine']['acc_hop_1'] for r in fr])} | {mean_se([r['engine']['acc_hop_2'] for r in fr])} | "
              f"{' / '.join('%.3f' % r['engine']['acc_hop_2'] for r in fr)} | "
              f"{' / '.join('%.3f' % r['seconds_per_step'] for r in fr)} |")

# Learning curves: held-out 2-hop accuracy against steps, one line per run, one panel per order.
orders = [o for o in ('qh', 'hq') if any(r['order'] == o for r in runs)]
W, H, PAD = 420, 260, 45
svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W * len(orders) + 270}" height="{H + 30}" '
       f'font-family="sans-serif" font-size="11">']
for p, order in enumerate(orders):
    x0 = p * W
    steps = max(c['step'] for r in runs if r['order'] == order for c in r['curve'])
    sx = lambda s: x0 + PAD + (W - PAD - 15) * s / steps
    sy = lambda a: 15 + (H - PAD) * (1 - a)
    svg.append(f'<text x="{x0 + W / 2}" y="12" text-anchor="middle">order {order}: held-out 2-hop accuracy</text>')
    svg.append(f'<line x1="{sx(0)}" y1="{sy(0)}" x2="{sx(steps)}" y2="{sy(0)}" stroke="black"/>')
    svg.append(f'<line x1="{sx(0)}" y1="{sy(0)}" x2="{sx(0)}" y2="{sy(1)}" stroke="black"/>')
    for a in (0, 0.25, 0.5, 0.75, 1):
        svg.append(f'<text x="{sx(0) - 5}" y="{sy(a) + 4}" text-anchor="end">{a:.2f}</text>')
        svg.append(f'<line x1="{sx(0)}" y1="{sy(a)}" x2="{sx(steps)}" y2="{sy(a)}" stroke="#ddd"/>')
    for s in range(0, steps + 1, 1000):
        svg.append(f'<text x="{sx(s)}" y="{sy(0) + 14}" text-anchor="middle">{s}</text>')
    svg.append(f'<text x="{sx(steps / 2)}" y="{sy(0) + 28}" text-anchor="middle">training step</text>')
    plan_steps = min(r['steps'] for r in runs if r['order'] == order)
    for r in (r for r in runs if r['order'] == order):
        pts = ' '.join(f"{sx(c['step']):.1f},{sy(c['accuracy']['hop_2']):.1f}" for c in r['curve'])
        dash = '' if r['seed'] == 1 else ' stroke-dasharray="4,3"'
        width = '1.6' if r['steps'] == plan_steps else '4" stroke-opacity="0.45'  # longer runs: wide and pale
        svg.append(f'<polyline points="{pts}" fill="none" stroke="{COLORS[r["family"]]}" stroke-width="{width}"{dash}/>')
legend_x = W * len(orders) + 10
for i, family in enumerate(f for f in FAMILIES if any(r['family'] == f for r in runs)):
    y = 30 + 16 * i
    svg.append(f'<line x1="{legend_x}" y1="{y}" x2="{legend_x + 20}" y2="{y}" stroke="{COLORS[family]}" stroke-width="2"/>')
    svg.append(f'<text x="{legend_x + 25}" y="{y + 4}">{NAMES[family]}</text>')
svg.append(f'<text x="{legend_x}" y="{40 + 16 * len(FAMILIES)}">solid: seed 1; dashed: other seeds</text>')
if any(r['steps'] > min(q['steps'] for q in runs) for r in runs):
    svg.append(f'<text x="{legend_x}" y="{56 + 16 * len(FAMILIES)}">wide, pale: runs longer than 3,000 steps</text>')
svg.append('</svg>')
open(SVG, 'w').write('\n'.join(svg) + '\n')
print(f'\n(wrote {SVG})')

# Language modelling: held-out bits per byte (the engine's rolling-window perplexity on the last 5%).
if lm_runs:
    print('\n| TinyShakespeare, 600 steps | seeds | parameters | bits/byte, held-out tail | by seed | trainer val bits/byte (by seed) | s/step (by seed) |')
    print('|---|---|---|---|---|---|---|')
    for family in LM_FAMILIES:
        fr = sorted((r for r in lm_runs if r['family'] == family), key=lambda r: r['seed'])
        if not fr:
            continue
        print(f"| {NAMES[family]} | {','.join(str(r['seed']) for r in fr)} | {fr[0]['parameters']:,} | "
              f"{mean_se([r['engine']['bits_per_byte'] for r in fr])} | "
              f"{' / '.join('%.3f' % r['engine']['bits_per_byte'] for r in fr)} | "
              f"{' / '.join('%.3f' % r['trainer_final_val_bits_per_byte'] for r in fr)} | "
              f"{' / '.join('%.3f' % r['seconds_per_step'] for r in fr)} |")
    # Curves: the trainer's validation loss (8 batches of the held-out tail) every 100 steps, in bits per byte.
    steps = max(c['step'] for r in lm_runs for c in r['curve'])
    values = [c['val_loss'] * BITS_PER_NAT for r in lm_runs for c in r['curve']]
    lo, hi = math.floor(min(values) * 4) / 4, math.ceil(max(values) * 4) / 4
    sx = lambda st: PAD + (W - PAD - 15) * st / steps
    sy = lambda v: 15 + (H - PAD) * (hi - v) / (hi - lo)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W + 270}" height="{H + 30}" font-family="sans-serif" font-size="11">',
           f'<text x="{W / 2}" y="12" text-anchor="middle">TinyShakespeare: validation bits per byte (trainer probe)</text>',
           f'<line x1="{sx(0)}" y1="{sy(lo)}" x2="{sx(steps)}" y2="{sy(lo)}" stroke="black"/>',
           f'<line x1="{sx(0)}" y1="{sy(lo)}" x2="{sx(0)}" y2="{sy(hi)}" stroke="black"/>']
    v = lo
    while v <= hi + 1e-9:
        out.append(f'<text x="{sx(0) - 5}" y="{sy(v) + 4}" text-anchor="end">{v:.2f}</text>')
        out.append(f'<line x1="{sx(0)}" y1="{sy(v)}" x2="{sx(steps)}" y2="{sy(v)}" stroke="#ddd"/>')
        v += 0.25
    for st in range(0, steps + 1, 100):
        out.append(f'<text x="{sx(st)}" y="{sy(lo) + 14}" text-anchor="middle">{st}</text>')
    out.append(f'<text x="{sx(steps / 2)}" y="{sy(lo) + 28}" text-anchor="middle">training step</text>')
    for r in lm_runs:
        pts = ' '.join(f"{sx(c['step']):.1f},{sy(c['val_loss'] * BITS_PER_NAT):.1f}" for c in r['curve'])
        dash = '' if r['seed'] == 1 else ' stroke-dasharray="4,3"'
        out.append(f'<polyline points="{pts}" fill="none" stroke="{COLORS[r["family"]]}" stroke-width="1.6"{dash}/>')
    for i, family in enumerate(f for f in LM_FAMILIES if any(r['family'] == f for r in lm_runs)):
        y = 30 + 16 * i
        out.append(f'<line x1="{W + 10}" y1="{y}" x2="{W + 30}" y2="{y}" stroke="{COLORS[family]}" stroke-width="2"/>')
        out.append(f'<text x="{W + 35}" y="{y + 4}">{NAMES[family]}</text>')
    out.append(f'<text x="{W + 10}" y="{40 + 16 * len(LM_FAMILIES)}">solid: seed 1; dashed: seed 2</text>')
    out.append(f'<text x="{W + 10}" y="{56 + 16 * len(LM_FAMILIES)}">last point: the whole held-out 5%;</text>')
    out.append(f'<text x="{W + 10}" y="{70 + 16 * len(LM_FAMILIES)}">earlier points: 8 batches of it</text>')
    out.append('</svg>')
    open(LM_SVG, 'w').write('\n'.join(out) + '\n')
    print(f'\n(wrote {LM_SVG})')
