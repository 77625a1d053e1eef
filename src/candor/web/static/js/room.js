// The interview room: a WebSocket to /api/v1/interviews/{id}/live (protocol: docs/protocol.md).
// The draft lives in localStorage until the server acknowledges it, so a reload or a dropped
// connection never loses an answer; a resend reuses its client_msg_id, which the server deduplicates.

const room = document.getElementById("room");
const answerForm = document.getElementById("answer-form");
const $ = (id) => document.getElementById(id);

if (room && answerForm) start();

function start() {
  const id = room.dataset.interviewId;
  const timeLimit = Number(room.dataset.timeLimit) || 0;
  const draftKey = `candor:draft:${id}`;
  const pendingKey = `candor:pending:${id}`;
  const transcript = $("transcript");
  const textarea = $("answer");
  const sendButton = $("send");
  const controls = [...answerForm.querySelectorAll("button[data-action]")];
  const banner = $("banner");
  const announce = $("announce");
  const progress = $("progress");
  const timer = $("timer");

  let socket = null;
  let attempts = 0;
  let live = null; // the interviewer message being streamed
  let awaitingAnswer = false;
  let finished = false;
  let resendAfterQuestion = false;
  let timerHandle = null;
  let pingHandle = null;

  const seen = new Set([...transcript.querySelectorAll("[data-seq]")].map((li) => li.dataset.seq));
  textarea.value = localStorage.getItem(draftKey) || "";
  const motion = window.matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth";

  // The answer form sticks to the bottom of the screen: keep that much room below whatever is scrolled
  // into view (CSS reads --answer-space as the page's scroll-padding), so it never covers a message.
  new ResizeObserver(() => {
    const space = answerForm.hidden ? 0 : answerForm.offsetHeight;
    document.documentElement.style.setProperty("--answer-space", `${space}px`);
  }).observe(answerForm);

  function setEnabled(on) {
    awaitingAnswer = on;
    sendButton.disabled = !on;
    for (const b of controls) b.disabled = !on;
  }

  function bubble(who, text, kind, followUp) {
    const li = document.createElement("li");
    li.className = `msg ${who === "You" ? "me" : "them"} kind-${kind}`;
    const label = document.createElement("span");
    label.className = "who";
    label.textContent = who + (followUp ? " · follow-up" : "");
    const p = document.createElement("p");
    p.textContent = text;
    li.append(label, p);
    transcript.append(li);
    li.scrollIntoView({ block: "end", behavior: motion });
    return li;
  }

  function say(text) {
    announce.textContent = "";
    window.setTimeout(() => {
      announce.textContent = text;
    }, 50);
  }

  function showBanner(text) {
    banner.textContent = text;
    banner.hidden = !text;
  }

  function stopTimer() {
    window.clearInterval(timerHandle);
    timer.hidden = true;
  }

  function startTimer() {
    stopTimer();
    if (!timeLimit) return;
    const ends = Date.now() + timeLimit * 1000;
    const tick = () => {
      const left = Math.max(0, Math.round((ends - Date.now()) / 1000));
      const mm = String(Math.floor(left / 60));
      const ss = String(left % 60).padStart(2, "0");
      timer.textContent = left ? `${mm}:${ss} left` : "Time is up: finish your thought and send";
      timer.classList.toggle("over", !left);
      if (!left) window.clearInterval(timerHandle);
    };
    timer.hidden = false;
    tick();
    timerHandle = window.setInterval(tick, 1000);
  }

  function send(event) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(event));
      return true;
    }
    return false;
  }

  function pending() {
    try {
      return JSON.parse(localStorage.getItem(pendingKey) || "null");
    } catch {
      return null;
    }
  }

  function sendAnswer() {
    const text = textarea.value.trim();
    if (!text || !awaitingAnswer) return;
    const msg = { type: "answer", client_msg_id: crypto.randomUUID(), text };
    localStorage.setItem(pendingKey, JSON.stringify(msg));
    setEnabled(false);
    if (!send(msg)) showBanner("Not connected. Your answer is kept and will be sent when the connection is back.");
  }

  function finish() {
    finished = true;
    setEnabled(false);
    stopTimer();
    answerForm.hidden = true;
    $("done").hidden = false;
    $("done-text").textContent = "The interview is over. Your assessment is being written.";
  }

  function onEvent(ev) {
    switch (ev.type) {
      case "state":
        if (ev.question_no && ev.of) progress.textContent = `Question ${ev.question_no} of ${ev.of}`;
        if (ev.state === "completed" || ev.state === "abandoned" || ev.state === "cancelled") finish();
        break;
      case "question.delta":
        stopTimer();
        setEnabled(false);
        if (!live) live = bubble("Interviewer", "", "streaming", false);
        live.querySelector("p").textContent += ev.text;
        break;
      case "question.done": {
        const seq = String(ev.seq);
        if (live) live.remove();
        live = null;
        if (!seen.has(seq)) {
          seen.add(seq);
          const li = bubble("Interviewer", ev.text, ev.kind, ev.is_follow_up);
          li.dataset.seq = seq;
          say(ev.text);
        }
        if (ev.question_no && ev.of) {
          progress.textContent = `Question ${ev.question_no} of ${ev.of}` + (ev.is_follow_up ? " · follow-up" : "");
        }
        if (ev.kind === "closing") {
          finish();
          break;
        }
        if (ev.kind === "opening") break;
        setEnabled(true);
        startTimer();
        const unsent = pending();
        if (unsent && resendAfterQuestion) {
          resendAfterQuestion = false;
          setEnabled(false);
          send(unsent);
        }
        break;
      }
      case "ack": {
        const unsent = pending();
        if (unsent && unsent.client_msg_id === ev.client_msg_id) {
          if (!ev.duplicate) bubble("You", unsent.text, "answer", false);
          localStorage.removeItem(pendingKey);
          localStorage.removeItem(draftKey);
          textarea.value = "";
        }
        stopTimer();
        if (ev.text) {
          bubble("Interviewer", ev.text, "ack", false);
          say(ev.text);
        }
        break;
      }
      case "assessment.ready":
        $("done").hidden = false;
        $("done-text").textContent =
          ev.state === "done" ? "Your assessment is ready." : "The assessment could not be made; you can retry from the feedback page.";
        say($("done-text").textContent);
        break;
      case "error":
        if (ev.code === "not_expecting_answer" || ev.code === "invalid_state") {
          localStorage.removeItem(pendingKey);
        }
        showBanner(ev.message);
        if (!finished) setEnabled(awaitingAnswer || ev.code === "not_expecting_answer");
        break;
      default:
        break;
    }
  }

  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(`${scheme}://${window.location.host}/api/v1/interviews/${id}/live`);
    socket.addEventListener("open", () => {
      if (attempts) showBanner("");
      attempts = 0;
      resendAfterQuestion = Boolean(pending());
      window.clearInterval(pingHandle);
      pingHandle = window.setInterval(() => send({ type: "ping" }), 25000);
    });
    socket.addEventListener("message", (m) => {
      try {
        onEvent(JSON.parse(m.data));
      } catch (err) {
        console.error(err);
      }
    });
    socket.addEventListener("close", (e) => {
      window.clearInterval(pingHandle);
      if (live) live.remove();
      live = null;
      setEnabled(false);
      if (e.code === 4401) {
        window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname)}`);
        return;
      }
      if (e.code === 4404) {
        showBanner("This interview does not exist any more.");
        return;
      }
      if (finished) return;
      const delay = Math.min(15000, 500 * 2 ** attempts) * (0.75 + Math.random() / 2);
      attempts += 1;
      showBanner(`Connection lost. Reconnecting in ${Math.ceil(delay / 1000)} s… Your answer is kept.`);
      window.setTimeout(connect, delay);
    });
  }

  textarea.addEventListener("input", () => localStorage.setItem(draftKey, textarea.value));
  textarea.addEventListener("paste", (e) => {
    const chars = (e.clipboardData && e.clipboardData.getData("text").length) || 0;
    send({ type: "activity", kind: "paste", chars });
  });
  textarea.addEventListener("focus", () => send({ type: "activity", kind: "focus" }));
  textarea.addEventListener("blur", () => send({ type: "activity", kind: "blur" }));
  textarea.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      sendAnswer();
    }
  });
  answerForm.addEventListener("submit", (e) => {
    e.preventDefault();
    sendAnswer();
  });
  for (const button of controls) {
    button.addEventListener("click", () => {
      const action = button.dataset.action;
      if (action === "end" && !window.confirm("End the interview now? Your answers so far will be assessed.")) return;
      setEnabled(false);
      send({ type: "control", action });
    });
  }
  textarea.disabled = false; // drafting is always allowed, even while the interviewer speaks
  setEnabled(false);
  transcript.lastElementChild?.scrollIntoView({ block: "end" });
  connect();
}
