"""The page paints before any script runs.

Material ends ``<body>`` with its 114 KB bundle. As a classic script it held
up parsing; deferred, it still ran before the first paint whenever it arrived
before the page was ready to paint (on a fast connection, always), and on a
slow phone its start-up (about 300 ms at Lighthouse's 4x CPU slow-down) then
sat between the reader and the text.

So external scripts are not in the page as tags. A small inline loader waits
until the document is parsed and the browser reports its first contentful
paint (or, where it cannot, a second after the load event), lets one more
frame pass, then adds the scripts one after another, in their order on the
page. The bundle starts itself on DOMContentLoaded, which has passed by
then, so the loader fires it again for the bundle once the scripts are in,
and then ``dn:scripts-loaded`` for inline code that needs them
(hooks/lightbox.py), each in a task of its own, so that the theme's start-up
and the lightbox's do not make one long task. Nothing else on these pages
listens for DOMContentLoaded. Until the bundle runs, links, the navigation
drawer and the table of contents work (they are plain HTML); search and the
palette switch wait for it.

Hand-written because neither Material nor a plugin offers it; the base
template names the bundle by its content hash, so the tags are rewritten in
the finished page rather than by copying the template's block.
"""

from __future__ import annotations

import html as html_lib

from tags import elements

EVENT = "dn:scripts-loaded"
LOADER = (
    "(()=>{const s=document.currentScript.dataset.scripts.split(' ');"
    "const parsed=new Promise(r=>addEventListener('DOMContentLoaded',r,{once:true}));"
    "const painted=new Promise(r=>{try{new PerformanceObserver((l,o)=>{"
    "if(l.getEntriesByName('first-contentful-paint').length){o.disconnect();r()}})"
    ".observe({type:'paint',buffered:true})}catch(e){}"
    "addEventListener('load',()=>setTimeout(r,1000),{once:true})});"
    "Promise.all([parsed,painted])"
    ".then(()=>new Promise(r=>requestAnimationFrame(()=>setTimeout(r))))"
    ".then(async()=>{for(const src of s)await new Promise(r=>{"
    "const e=document.createElement('script');e.src=src;e.onload=e.onerror=r;"
    "document.body.append(e)});"
    "const next=()=>new Promise(r=>setTimeout(r));"
    "await next();document.dispatchEvent(new Event('DOMContentLoaded'));"
    f"await next();document.dispatchEvent(new Event('{EVENT}'))}})}})()"
)


def external_scripts(html: str) -> list[tuple[int, int, str]]:
    """Where each external classic script is (a src, and no type or async),
    with its address; the line break after it goes with it."""
    found = []
    for tag, end in elements(html, "script"):
        if "src" in tag.attrs and not {"type", "async"} & tag.attrs.keys():
            end += html.startswith("\n", end)
            found.append((tag.start, end, tag.attrs["src"]))
    return found


def load_after_paint(html: str) -> str:
    """``html`` with its external classic scripts loaded by the loader, which
    takes the place of the first of them."""
    scripts = external_scripts(html)
    if not scripts:
        return html
    sources = " ".join(src for _, _, src in scripts)
    loader = f'<script data-scripts="{html_lib.escape(sources)}">{LOADER}</script>\n'
    out, at = [], 0
    for number, (start, end, _) in enumerate(scripts):
        out.append(html[at:start])
        if number == 0:
            out.append(loader)
        at = end
    return "".join(out) + html[at:]
