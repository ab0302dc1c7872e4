// The stepper page's behaviour. It only displays: every number comes, already formatted,
// from the step records embedded as JSON; nothing here computes a value or a gradient.
"use strict";

(function () {
  const data = JSON.parse(document.querySelector('script[data-role="steps"]').textContent);
  const steps = data.steps; // steps[0] is the start (the inputs); steps[k] is step k of the trace
  const total = data.total;

  const byRole = (role) => document.querySelector(`[data-role="${role}"]`);
  const graphBox = byRole("graph");
  const controls = {
    reset: byRole("reset"),
    prev: byRole("prev"),
    play: byRole("play"),
    next: byRole("next"),
    slider: byRole("slider"),
    speed: byRole("speed"),
    zoomIn: byRole("zoom-in"),
    zoomOut: byRole("zoom-out"),
    zoomFit: byRole("zoom-fit"),
  };
  const zoomLevel = byRole("zoom-level");
  const details = byRole("details");
  const flatWarning = byRole("flat");
  const svg = graphBox.querySelector("svg");
  const shownAs = data.shownAs || {}; // a node a neuron's box stands for -> the box's id
  const neurons = new Map((data.neurons || []).map((n) => [n.box, n]));
  const phase = byRole("phase");
  const counter = byRole("counter");
  const stepText = byRole("step-text");
  const explanation = byRole("explanation");
  const notesList = byRole("notes");
  const notes = data.notes || {}; // node id -> a caller's note, shown as text only

  // Number slots in the drawings (the graph, the expanded neurons), by kind and by the id of
  // the node or edge they show; a number may be shown in more than one place.
  const slots = { value: new Map(), grad: new Map(), local: new Map() };
  for (const text of document.querySelectorAll("svg text[data-slot]")) {
    const byTarget = slots[text.dataset.slot];
    if (!byTarget.has(text.dataset.for)) byTarget.set(text.dataset.for, []);
    byTarget.get(text.dataset.for).push(text);
  }
  const highlightClasses = ["al-current", "al-operand", "al-edge"];

  let position = 0;
  let timer = null;
  // Practice mode (practice.js) hides what the current step has not had answered yet.
  let practice = null;

  function element(id) {
    return document.getElementById(id);
  }

  // Every element that shows node or edge `id`: its own, or the box of the neuron that
  // stands for it, and its copies in the expanded neurons.
  function shapesOf(id) {
    const own = element(id) || (shownAs[id] !== undefined ? element(shownAs[id]) : null);
    const copies = details.querySelectorAll(`[data-shows="${CSS.escape(id)}"]`);
    return own ? [own, ...copies] : [...copies];
  }

  function fillSlot(text, value) {
    const label = text.dataset.label;
    const shown = value !== undefined;
    const number = shown ? value : label ? "?" : "";
    text.textContent = label ? `${label} ${number}` : number;
    text.classList.toggle("al-shown", shown);
  }

  // What the drawing shows after step k: the start's values, then what steps 1..k revealed.
  function revealedUpTo(k) {
    const shown = { value: new Map(), grad: new Map(), local: new Map() };
    for (let i = 0; i <= k; i += 1) {
      const hidden = practice && i === k ? practice.hidden(k) : null;
      for (const kind of ["value", "grad", "local"]) {
        for (const [id, text] of Object.entries(steps[i][kind])) {
          if (!(hidden && hidden[kind].includes(id))) shown[kind].set(id, text);
        }
      }
    }
    return shown;
  }

  function drawState(k) {
    const shown = revealedUpTo(k);
    for (const kind of ["value", "grad", "local"]) {
      for (const [id, texts] of slots[kind]) {
        for (const text of texts) fillSlot(text, shown[kind].get(id));
      }
    }
    for (const [id] of slots.value) {
      const pending = !shown.value.has(id);
      const group = element(id);
      if (group) group.classList.toggle("al-pending", pending);
      for (const copy of details.querySelectorAll(`[data-shows="${CSS.escape(id)}"]`)) {
        copy.classList.toggle("al-pending", pending);
      }
    }
    for (const cls of highlightClasses) {
      for (const el of document.querySelectorAll(`svg .${cls}`)) el.classList.remove(cls);
    }
    const step = steps[k];
    const mark = (ids, cls) => {
      for (const id of ids) {
        for (const el of shapesOf(id)) el.classList.add(cls);
      }
    };
    mark(step.operands, "al-operand");
    mark(step.current, "al-current");
    mark(step.edges, "al-edge");
    bringIntoView(step);
  }

  // Keep what the step uses (the node, its operands or parent, the edges) in view: the
  // bounding box of them all, centred in the graph's box (and the box in the window); when
  // that does not fit, the current node comes first.
  function bringIntoView(step) {
    const ids = [...step.current, ...step.operands, ...step.edges];
    const rects = () =>
      ids
        .map((id) => element(id) || (shownAs[id] !== undefined ? element(shownAs[id]) : null))
        .filter((el) => el)
        .map((el) => el.getBoundingClientRect());
    let found = rects();
    if (!found.length) return;
    // zoomed in too far for the step's nodes to fit: zoom out just enough, if text stays readable
    const room = viewOf(graphBox);
    const all = fitting(found, { left: 0, top: 0, right: Infinity, bottom: Infinity });
    const need = Math.min(
      (room.right - room.left) / (all.right - all.left),
      (room.bottom - room.top) / (all.bottom - all.top),
    );
    if (need < 1 && scale * need * 0.95 >= minScale) {
      setScale(scale * need * 0.95);
      found = rects();
    }
    const centre = (box, target) => {
      const dx = (target.left + target.right - box.left - box.right) / 2;
      const dy = (target.top + target.bottom - box.top - box.bottom) / 2;
      return {
        x: target.left < box.left || target.right > box.right ? dx : 0,
        y: target.top < box.top || target.bottom > box.bottom ? dy : 0,
      };
    };
    const inner = viewOf(graphBox);
    const target = fitting(found, inner);
    const move = centre(inner, target);
    graphBox.scrollLeft += move.x;
    graphBox.scrollTop += move.y;
    found = rects();
    const windowBox = { left: 0, top: 0, right: window.innerWidth, bottom: window.innerHeight };
    const shift = centre(windowBox, fitting(found, windowBox));
    if (shift.x || shift.y) window.scrollBy(shift.x, shift.y);
  }

  // The bounding box of the rectangles if it fits in `box`, else the first rectangle.
  function fitting(rects, box) {
    const all = {
      left: Math.min(...rects.map((r) => r.left)),
      right: Math.max(...rects.map((r) => r.right)),
      top: Math.min(...rects.map((r) => r.top)),
      bottom: Math.max(...rects.map((r) => r.bottom)),
    };
    const fits = all.right - all.left <= box.right - box.left && all.bottom - all.top <= box.bottom - box.top;
    return fits ? all : rects[0];
  }

  // The part of a scrolling box its content shows: inside its border and scroll bars.
  function viewOf(box) {
    const r = box.getBoundingClientRect();
    const left = r.left + box.clientLeft;
    const top = r.top + box.clientTop;
    return { left: left, top: top, right: left + box.clientWidth, bottom: top + box.clientHeight };
  }

  // --- zoom and pan: the drawing is sized, never re-laid out; text stays >= 11 CSS px -------
  const natural = { width: Number(svg.dataset.width), height: Number(svg.dataset.height) };
  const minScale = data.minScale;
  const maxScale = 3;
  let scale = 1;
  let fitted = true; // follows the box's width until the learner zooms

  function fitScale() {
    const style = getComputedStyle(graphBox);
    const room = graphBox.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return Math.max(minScale, Math.min(1, room / natural.width));
  }

  // Scale the drawing, keeping the point under (x, y) (client pixels) where it was.
  function setScale(next, x, y) {
    const clamped = Math.max(minScale, Math.min(maxScale, next));
    const box = graphBox.getBoundingClientRect();
    const px = x === undefined ? box.left + graphBox.clientWidth / 2 : x;
    const py = y === undefined ? box.top + graphBox.clientHeight / 2 : y;
    const before = svg.getBoundingClientRect();
    const fx = before.width ? (px - before.left) / before.width : 0;
    const fy = before.height ? (py - before.top) / before.height : 0;
    scale = clamped;
    for (const drawing of document.querySelectorAll("main svg[data-width]")) {
      drawing.style.width = `${Number(drawing.dataset.width) * scale}px`;
      drawing.style.height = `${Number(drawing.dataset.height) * scale}px`;
    }
    const after = svg.getBoundingClientRect();
    graphBox.scrollLeft += after.left + fx * after.width - px;
    graphBox.scrollTop += after.top + fy * after.height - py;
    zoomLevel.textContent = `${Math.round(scale * 100)}%`;
    document.body.dataset.scale = String(scale);
    controls.zoomOut.disabled = scale <= minScale + 1e-9;
    controls.zoomIn.disabled = scale >= maxScale - 1e-9;
  }

  function fitWidth() {
    fitted = true;
    setScale(fitScale());
    bringIntoView(steps[position]);
  }

  const zoomBy = (factor, x, y) => {
    fitted = false;
    setScale(scale * factor, x, y);
  };
  controls.zoomIn.addEventListener("click", () => zoomBy(1.25));
  controls.zoomOut.addEventListener("click", () => zoomBy(1 / 1.25));
  controls.zoomFit.addEventListener("click", fitWidth);
  graphBox.addEventListener(
    "wheel",
    (event) => {
      if (!(event.ctrlKey || event.metaKey)) return; // a plain wheel scrolls
      event.preventDefault();
      zoomBy(Math.exp(-event.deltaY * 0.002), event.clientX, event.clientY);
    },
    { passive: false },
  );
  window.addEventListener("resize", () => {
    if (fitted) setScale(fitScale());
  });

  // Dragging the drawing pans it; a press that hardly moves stays a click.
  let drag = null;
  graphBox.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    drag = { x: event.clientX, y: event.clientY, left: graphBox.scrollLeft, top: graphBox.scrollTop, moved: false };
  });
  graphBox.addEventListener("pointermove", (event) => {
    if (!drag) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 5) return;
    if (!drag.moved) graphBox.setPointerCapture(event.pointerId);
    drag.moved = true;
    graphBox.classList.add("al-panning");
    graphBox.scrollLeft = drag.left - dx;
    graphBox.scrollTop = drag.top - dy;
  });
  const endDrag = (event) => {
    if (drag && drag.moved) {
      graphBox.classList.remove("al-panning");
      if (graphBox.hasPointerCapture(event.pointerId)) graphBox.releasePointerCapture(event.pointerId);
      graphBox.dataset.panned = "true";
    }
    setTimeout(() => (drag = null), 0); // the click that ends a drag does not expand a neuron
  };
  graphBox.addEventListener("pointerup", endDrag);
  graphBox.addEventListener("pointercancel", endDrag);

  // --- neurons (group="layer"): a click on a box expands it below the graph -------------
  function toggleNeuron(id) {
    const box = element(id);
    const detail = details.querySelector(`[data-neuron="${CSS.escape(id)}"]`);
    if (!box || !detail) return;
    const open = detail.hidden;
    detail.hidden = !open;
    box.setAttribute("aria-expanded", String(open));
    box.classList.toggle("al-expanded", open);
    if (open) detail.scrollIntoView({ block: "nearest" });
  }

  for (const [id, neuron] of neurons) {
    const box = element(id);
    if (!box) continue;
    box.classList.add("al-neuron");
    box.setAttribute("tabindex", "0");
    box.setAttribute("role", "button");
    box.setAttribute("aria-expanded", "false");
    box.setAttribute("aria-label", `Neuron ${neuron.name} (layer ${neuron.layer}): show its weighted sum and activation`);
    box.addEventListener("click", () => {
      if (!(drag && drag.moved)) toggleNeuron(id);
    });
    box.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" && event.key !== " ") return;
      event.preventDefault();
      toggleNeuron(id);
    });
  }
  for (const detail of details.querySelectorAll("[data-neuron]")) {
    const neuron = neurons.get(detail.dataset.neuron);
    const heading = document.createElement("h2");
    heading.textContent = `Neuron ${neuron.name}, expanded (layer ${neuron.layer})`;
    const close = document.createElement("button");
    close.type = "button";
    close.textContent = "Collapse";
    close.addEventListener("click", () => toggleNeuron(neuron.box));
    heading.append(" ", close);
    detail.prepend(heading);
  }
  if (neurons.size) {
    const hint = document.createElement("p");
    hint.className = "details-hint";
    hint.textContent = "Each box is one neuron: its weighted sum, its activation, its weights and bias. Click a box (or focus it and press Enter) to expand it here.";
    details.prepend(hint);
  }

  function drawPanel(k) {
    const step = steps[k];
    phase.textContent = step.phase === "start" ? "start" : `${step.phase} pass`;
    phase.dataset.phase = step.phase;
    counter.textContent = `Step ${k} of ${total}`;
    stepText.textContent = practice ? practice.text(k) : step.text;
    explanation.textContent = step.explanation;
    flatWarning.textContent = step.flat ? `\u26A0 ${step.flat}` : "";
    flatWarning.hidden = !step.flat;
    drawNotes(step);
    controls.slider.value = String(k);
    controls.slider.setAttribute("aria-valuetext", `Step ${k} of ${total}, ${phase.textContent}`);
    controls.prev.disabled = k === 0;
    controls.next.disabled = k === total;
    controls.reset.disabled = k === 0 && timer === null;
  }

  // The notes on the nodes this step uses, each as text (never parsed as HTML).
  function drawNotes(step) {
    const ids = [...new Set([...step.current, ...step.operands])].filter((id) => id in notes);
    notesList.replaceChildren();
    for (const id of ids) {
      const item = document.createElement("li");
      const name = document.createElement("b");
      name.textContent = nodeName(id);
      item.append(name, `: ${notes[id]}`);
      notesList.append(item);
    }
    notesList.hidden = ids.length === 0;
  }

  function nodeName(id) {
    return (data.names && data.names[id]) || id;
  }

  function show(k) {
    position = Math.max(0, Math.min(total, k));
    drawState(position);
    drawPanel(position);
    document.body.dataset.step = String(position);
    if (practice) practice.shown(position);
  }

  function setPlaying(playing) {
    if (timer !== null) window.clearInterval(timer);
    timer = null;
    if (playing) {
      if (position === total) show(0);
      timer = window.setInterval(tick, Number(controls.speed.value));
    }
    controls.play.textContent = playing ? "Pause" : "Play";
    controls.play.setAttribute("aria-pressed", String(playing));
    controls.reset.disabled = position === 0 && !playing;
  }

  function tick() {
    show(position + 1);
    if (position === total) setPlaying(false);
  }

  // A step chosen by hand stops the playing.
  function goTo(k) {
    setPlaying(false);
    show(k);
  }

  controls.reset.addEventListener("click", () => goTo(0));
  controls.prev.addEventListener("click", () => goTo(position - 1));
  controls.next.addEventListener("click", () => goTo(position + 1));
  controls.play.addEventListener("click", () => setPlaying(timer === null));
  controls.slider.addEventListener("input", () => goTo(Number(controls.slider.value)));
  controls.speed.addEventListener("change", () => {
    if (timer !== null) setPlaying(true);
  });


  document.addEventListener("keydown", (event) => {
    // + and - zoom, 0 fits the width (not while typing, and not Ctrl/Cmd +, the browser's)
    const typing = event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement;
    const zooms = { "+": 1.25, "=": 1.25, "-": 1 / 1.25 };
    if (!typing && !event.altKey && !event.ctrlKey && !event.metaKey) {
      if (event.key in zooms || event.key === "0") {
        event.preventDefault();
        if (event.key === "0") fitWidth();
        else zoomBy(zooms[event.key]);
        return;
      }
    }
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const target = event.target; // the slider and the speed menu use the arrow keys themselves
    if (target instanceof HTMLSelectElement) return;
    if (target instanceof HTMLInputElement && target.type === "range") return;
    if (target instanceof HTMLInputElement && target.type === "number") return;
    // in an answer field the arrow keys move the caret while there is something typed
    if (target instanceof HTMLInputElement && target.type === "text" && target.value) return;
    const moves = { ArrowRight: position + 1, ArrowLeft: position - 1, Home: 0, End: total };
    if (!(event.key in moves)) return;
    event.preventDefault();
    goTo(moves[event.key]);
  });

  controls.slider.max = String(total);
  setScale(fitScale());
  show(0);

  if (data.practice) {
    window.autogradLiteStepper = {
      data: data,
      attach(hooks) {
        practice = hooks;
        show(position);
      },
      position: () => position,
      redraw: () => show(position),
      goTo: goTo,
    };
  }
})();
