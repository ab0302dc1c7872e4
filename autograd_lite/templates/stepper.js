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
    fit: byRole("fit"),
  };
  const phase = byRole("phase");
  const counter = byRole("counter");
  const stepText = byRole("step-text");
  const explanation = byRole("explanation");
  const notesList = byRole("notes");
  const notes = data.notes || {}; // node id -> a caller's note, shown as text only

  // Number slots in the drawing, by kind and by the id of the node or edge they belong to.
  const slots = { value: new Map(), grad: new Map(), local: new Map() };
  for (const text of graphBox.querySelectorAll("text[data-slot]")) {
    slots[text.dataset.slot].set(text.dataset.for, text);
  }
  const highlightClasses = ["al-current", "al-operand", "al-edge"];

  let position = 0;
  let timer = null;
  // Practice mode (practice.js) hides what the current step has not had answered yet.
  let practice = null;

  function element(id) {
    return document.getElementById(id);
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
      for (const [id, text] of slots[kind]) fillSlot(text, shown[kind].get(id));
    }
    for (const [id] of slots.value) {
      const group = element(id);
      if (group) group.classList.toggle("al-pending", !shown.value.has(id));
    }
    for (const cls of highlightClasses) {
      for (const el of graphBox.querySelectorAll(`.${cls}`)) el.classList.remove(cls);
    }
    const step = steps[k];
    const mark = (ids, cls) => {
      for (const id of ids) {
        const el = element(id);
        if (el) el.classList.add(cls);
      }
    };
    mark(step.operands, "al-operand");
    mark(step.current, "al-current");
    mark(step.edges, "al-edge");
    bringIntoView(step);
  }

  // Keep what the step uses (the node, its operands or parent, the edges) in view, centred
  // in the scrolling graph box; when it does not fit, the current node comes first.
  function bringIntoView(step) {
    const rects = [...step.current, ...step.operands, ...step.edges]
      .map(element)
      .filter((el) => el)
      .map((el) => el.getBoundingClientRect());
    if (!rects.length) return;
    const box = graphBox.getBoundingClientRect();
    const all = {
      left: Math.min(...rects.map((r) => r.left)),
      right: Math.max(...rects.map((r) => r.right)),
      top: Math.min(...rects.map((r) => r.top)),
      bottom: Math.max(...rects.map((r) => r.bottom)),
    };
    const fits = all.right - all.left <= box.width && all.bottom - all.top <= box.height;
    const target = fits ? all : rects[0];
    if (target.left < box.left || target.right > box.right) {
      graphBox.scrollLeft += (target.left + target.right - box.left - box.right) / 2;
    }
    if (target.top < box.top || target.bottom > box.bottom) {
      graphBox.scrollTop += (target.top + target.bottom - box.top - box.bottom) / 2;
    }
  }

  function drawPanel(k) {
    const step = steps[k];
    phase.textContent = step.phase === "start" ? "start" : `${step.phase} pass`;
    phase.dataset.phase = step.phase;
    counter.textContent = `Step ${k} of ${total}`;
    stepText.textContent = practice ? practice.text(k) : step.text;
    explanation.textContent = step.explanation;
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

  // Each noted node gets a marker in the drawing: its note as a line of text under its record.
  function markNotes() {
    for (const [id, note] of Object.entries(notes)) {
      const group = element(id);
      if (!group) continue;
      const box = group.getBBox();
      const text = document.createElementNS("http://www.w3.org/2000/svg", "text");
      text.setAttribute("x", String(box.x + box.width / 2));
      text.setAttribute("y", String(box.y + box.height + 12));
      text.setAttribute("text-anchor", "middle");
      text.setAttribute("class", "al-note");
      text.textContent = `\u270E ${note}`;
      group.append(text);
      group.classList.add("al-noted");
      const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
      title.textContent = note;
      group.prepend(title);
    }
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

  controls.fit.addEventListener("change", () => {
    graphBox.classList.toggle("al-fit", controls.fit.checked);
    bringIntoView(steps[position]);
  });

  document.addEventListener("keydown", (event) => {
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
  markNotes();
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
