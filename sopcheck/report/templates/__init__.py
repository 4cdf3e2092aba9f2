"""The HTML report's inline style sheet and script (a Python module, so no package data is needed)."""

CSS = """
:root{--fg:#1b1b1b;--muted:#5a5a5a;--line:#c9c9c9;--bg:#fff;--soft:#f4f4f2;
--pass:#1d7a36;--warn:#9a6700;--review:#6f42c1;--fail:#b42318;--error:#7a0916;--na:#6b6b6b}
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;
color:var(--fg);background:var(--bg);margin:0 auto;max-width:1180px;padding:0 18px 40px}
h1{font-size:1.6em;margin:.6em 0 .2em}h2{font-size:1.25em;margin:1.2em 0 .4em}
h3{font-size:1.05em;margin:.9em 0 .3em}
table{border-collapse:collapse;width:100%;margin:.3em 0 .8em}
th,td{border:1px solid var(--line);padding:4px 7px;text-align:left;vertical-align:top}
th{background:var(--soft)}td.num,th.num{text-align:right}
code,.mono{font-family:ui-monospace,"DejaVu Sans Mono",Consolas,monospace;font-size:.9em;
overflow-wrap:anywhere}
.meta{color:var(--muted);font-size:.92em}.meta dt{font-weight:600;float:left;clear:left;
margin-right:.5em}.meta dd{margin:0 0 2px}
.badge{display:inline-block;border:2px solid currentColor;border-radius:4px;padding:0 6px;
font-weight:700;font-size:.85em;text-transform:uppercase;letter-spacing:.03em;white-space:nowrap}
.s-pass{color:var(--pass)}.s-warn{color:var(--warn)}.s-review{color:var(--review)}
.s-fail{color:var(--fail)}.s-error{color:var(--error)}.s-na{color:var(--na)}
.s-fail.badge,.s-error.badge{border-style:double;border-width:3px}
.s-review.badge{border-style:dashed}
.tiles{display:flex;flex-wrap:wrap;gap:8px;margin:.4em 0 .8em}
.tile{border:1px solid var(--line);border-radius:6px;padding:6px 12px;min-width:92px;
text-align:center}.tile b{display:block;font-size:1.7em;line-height:1.1}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(330px,1fr));gap:0 22px}
#filters{background:var(--soft);border:1px solid var(--line);border-radius:6px;
padding:8px 10px;margin:1em 0;display:flex;flex-wrap:wrap;gap:10px;align-items:center}
#filters label{font-weight:600}#filters select,#filters input{font:inherit;padding:2px 4px}
#filters[hidden]{display:none}
.card{border:1px solid var(--line);border-left:8px solid var(--na);border-radius:6px;
padding:10px 16px 14px;margin:18px 0}
.card.st-pass{border-left-color:var(--pass)}.card.st-warn{border-left-color:var(--warn)}
.card.st-review{border-left-color:var(--review)}.card.st-fail{border-left-color:var(--fail)}
.card.st-error{border-left-color:var(--error)}
.card[hidden]{display:none}
.card h2{margin:.2em 0;display:flex;gap:10px;align-items:baseline;flex-wrap:wrap}
.card h2 .pid{font-family:ui-monospace,monospace;font-size:.8em;color:var(--muted)}
.printhead{display:none}
.facts{display:flex;flex-wrap:wrap;gap:4px 18px;color:var(--muted);margin:.2em 0 .6em}
.facts b{color:var(--fg);font-weight:600}
.tl{position:relative;margin:4px 6px 10px}
.tl .axisline{position:absolute;left:0;right:0;border-top:2px solid var(--fg)}
.tl .win{position:absolute;height:12px;background:repeating-linear-gradient(
135deg,#cfe3d3 0 6px,#e9f3eb 6px 12px);border:1px solid var(--pass)}
.tl .mk{position:absolute;top:0;bottom:0;border-left:2px dashed var(--fg)}
.tl .mk.ev{border-left-style:solid;border-left-color:var(--review)}
.tl .mk span{position:absolute;left:3px;font-size:.72em;line-height:15px;white-space:nowrap;
background:var(--bg);padding:0 2px}
.tl .mk.right span{left:auto;right:3px;text-align:right}
.tl .ph{position:absolute;width:76px;font-size:.68em;text-align:center;line-height:1.15;
background:var(--bg)}
.tl .ph figcaption{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.tl .ph img,.thumbs img{display:block;width:76px;height:57px;object-fit:cover;
border:2px solid var(--pass);background:var(--soft)}
.tl .ph.out img{border:3px double var(--fail)}.tl .ph.weak img{border-style:dashed;
border-color:var(--warn)}
.axis{display:flex;justify-content:space-between;font-size:.75em;color:var(--muted);
margin:0 6px 4px}
.thumbs{display:flex;flex-wrap:wrap;gap:8px;font-size:.7em}
.thumbs figure,.tl figure{margin:0}
.noimg{display:flex;align-items:center;justify-content:center;width:76px;height:57px;
border:2px dashed var(--fail);font-size:.9em;text-align:center}
.caption{background:var(--soft);border-left:4px solid var(--line);padding:6px 10px;
white-space:pre-wrap;overflow-wrap:anywhere}
.len.over{color:var(--fail);font-weight:700}
.roles{display:flex;flex-wrap:wrap;gap:10px}
.role{border:1px solid var(--line);border-radius:6px;padding:6px;width:230px;font-size:.88em}
.role img{max-width:100%;border:1px solid var(--line);background:#fff}
tr.f-review td{background:#f3edff}tr.f-review td:first-child{border-left:5px solid var(--review)}
tr.f-fail td:first-child,tr.f-error td:first-child{border-left:5px solid var(--fail)}
tr.f-pass td,tr.f-na td{color:var(--muted)}
.flag{font-weight:700;color:var(--review)}
ul.ev{margin:0;padding-left:1.1em;font-size:.88em}
.todo li{margin:2px 0}
@media print{
@page{size:A4;margin:14mm 12mm 14mm;@top-center{content:"sopcheck"}}
body{max-width:none;padding:0;font-size:10.5pt;color:#000}
#filters,.noprint{display:none!important}
.card{break-before:page;border:1px solid #000;border-left:6px solid #000;margin:0}
.printhead{display:flex;justify-content:space-between;border-bottom:1px solid #000;
font-size:8.5pt;margin-bottom:6px}
tr{break-inside:avoid}.tl,.roles,.thumbs{break-inside:avoid}
a{color:#000;text-decoration:none}
.s-pass,.s-warn,.s-review,.s-fail,.s-error,.s-na,.flag{color:#000}
tr.f-review td{background:none;font-weight:600}
.tl .win{background:none;border:1px dashed #000}
}
"""

JS = """
(function () {
  var form = document.getElementById('filters');
  if (!form) return;
  form.hidden = false;
  var st = form.elements.status, ru = form.elements.rule, un = form.elements.unit,
      q = form.elements.q, out = document.getElementById('shown');
  function apply() {
    var n = 0, needle = q.value.trim().toLowerCase();
    Array.prototype.forEach.call(document.querySelectorAll('article.card'), function (c) {
      var ok = (!st.value || c.dataset.status === st.value) &&
        (!ru.value || (' ' + c.dataset.rules + ' ').indexOf(' ' + ru.value + ' ') >= 0) &&
        (!un.value || c.dataset.unit === un.value) &&
        (!needle || c.textContent.toLowerCase().indexOf(needle) >= 0);
      c.hidden = !ok;
      if (ok) n++;
    });
    out.textContent = String(n);
  }
  form.addEventListener('input', apply);
  form.addEventListener('change', apply);
  form.addEventListener('submit', function (e) { e.preventDefault(); apply(); });
  apply();
})();
"""
