// Practice mode: before a step's numbers are shown, the learner types them. Every answer is
// a number of the trace's records, embedded as JSON; this script only compares a typed
// number with it, to the significant digits the learner sets, and computes nothing else.
"use strict";

(function () {
  const stepper = window.autogradLiteStepper;
  const data = stepper.data;
  const practice = data.practice;
  const byRole = (role) => document.querySelector(`[data-role="${role}"]`);
  const form = byRole("answer-form");
  const answer = byRole("answer");
  const question = byRole("question");
  const verdict = byRole("verdict");
  const hint = byRole("hint");
  const scoreText = byRole("score");
  const tolerance = byRole("tolerance");

  let answered = {}; // step index -> how many of its questions are answered (or revealed)
  let score = { right: 0, wrong: 0, revealed: 0 };

  const questionsOf = (k) => practice.questions[String(k)] || [];
  const done = (k) => (answered[k] || 0) >= questionsOf(k).length;

  // Whether a typed number is the expected one to `significant` digits: it may differ by less
  // than one unit in the last of them (so rounded and truncated answers both count).
  function agrees(typed, expected, significant) {
    if (expected === 0) return Math.abs(typed) < 10 ** -significant;
    const unit = 10 ** (Math.floor(Math.log10(Math.abs(expected))) - significant + 1);
    return Math.abs(typed - expected) < unit;
  }

  function significant() {
    const n = Number(tolerance.value);
    return Number.isInteger(n) && n >= 1 && n <= 15 ? n : practice.significant;
  }

  function hintText(q) {
    const parts = q.hint ? [q.hint] : [];
    const d = q.derivative;
    if (d) {
      const numbers = d.vars.map(([name, value]) => `${name} = ${value}`).join(", ");
      const text = `${d.left} = ${practice.derivatives[d.op] || "?"}${d.which}`;
      parts.push(numbers ? `${text}, ${numbers}` : text);
    }
    return parts.join("; ");
  }

  // What step k keeps hidden: a forward step its value until answered; a backward step its
  // local derivative until that is answered, then the gradient until the product is.
  function hidden(k) {
    const none = { value: [], grad: [], local: [] };
    const step = data.steps[k];
    const n = answered[k] || 0;
    if (done(k)) return none;
    if (step.phase === "forward") return { ...none, value: Object.keys(step.value) };
    if (step.phase === "backward") {
      const local = n >= 1 ? [] : Object.keys(step.local);
      return { value: [], grad: [step.parent], local: local };
    }
    return none;
  }

  function current() {
    const k = stepper.position();
    return questionsOf(k)[answered[k] || 0];
  }

  function text(k) {
    const step = data.steps[k];
    if (done(k)) return step.text;
    return current() ? current().prompt : step.text;
  }

  function drawScore() {
    const asked = Object.values(practice.questions).reduce((n, qs) => n + qs.length, 0);
    scoreText.textContent =
      `Score: ${score.right} right, ${score.wrong} wrong, ${score.revealed} revealed, ` +
      `of ${asked} questions`;
    document.body.dataset.score = String(score.right);
  }

  function shown(k) {
    const q = questionsOf(k)[answered[k] || 0];
    if (q) {
      question.textContent = `Question: ${q.prompt}`;
    } else if (k === data.total) {
      question.textContent = "The last step. Restart to practise again.";
    } else {
      question.textContent = questionsOf(k).length
        ? "Step done: press → or Next for the next step."
        : "Press → or Next: the first step is a question.";
    }
    form.querySelector('[data-role="reveal"]').disabled = !q;
  }

  function say(message, hintMessage) {
    verdict.textContent = message;
    hint.textContent = hintMessage || "";
  }

  function advance(k) {
    answered[k] = (answered[k] || 0) + 1;
    answer.value = "";
    stepper.redraw();
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const k = stepper.position();
    const q = current();
    if (!q) {
      say("No question at this step: press → or Next.");
      return;
    }
    const typed = answer.value.trim();
    const number = typed === "" ? NaN : Number(typed);
    if (!Number.isFinite(number)) {
      say(`Not a number: "${typed}". Type a number such as 0.874 or -1.5e-3.`);
      return;
    }
    if (agrees(number, q.answer, significant())) {
      score.right += 1;
      advance(k);
      say(`Right: ${q.shown}.${done(k) ? " Step done: press → for the next." : ""}`);
    } else {
      score.wrong += 1;
      const digits = significant();
      say(`Wrong: ${typed} does not agree with the answer to ${digits} significant digits.`,
        `Hint: ${hintText(q)}`);
    }
    drawScore();
  });

  byRole("reveal").addEventListener("click", () => {
    const k = stepper.position();
    const left = questionsOf(k).slice(answered[k] || 0);
    if (!left.length) return;
    score.revealed += left.length;
    answered[k] = questionsOf(k).length;
    answer.value = "";
    stepper.redraw();
    say(`Revealed: ${left.map((q) => q.shown).join(", then ")}.`);
    drawScore();
    answer.focus();
  });

  byRole("restart").addEventListener("click", () => {
    answered = {};
    score = { right: 0, wrong: 0, revealed: 0 };
    answer.value = "";
    stepper.goTo(0);
    say("Restarted: every step is a question again.");
    drawScore();
    answer.focus();
  });

  stepper.attach({ hidden: hidden, text: text, shown: shown });
  drawScore();
})();
