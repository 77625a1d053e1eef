// The interview room: a WebSocket to /api/v1/interviews/{id}/live (protocol: docs/protocol.md).
// The draft lives in localStorage until the server acknowledges it, so a reload or a dropped
// connection never loses an answer; a resend reuses its client_msg_id, which the server deduplicates.
// Voice (voice.js) rides on the same socket.

import { Voice } from "./voice.js";

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
  let voiceDraftId = null; // the transcript the answer box holds for review, sent as its client_msg_id
  const heard = new Map(); // spoken answers the server sends for us: transcript_id -> text

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
    const msg = { type: "answer", client_msg_id: voiceDraftId || crypto.randomUUID(), text };
    voiceDraftId = null;
    localStorage.setItem(pendingKey, JSON.stringify(msg));
    setEnabled(false);
    if (!send(msg)) showBanner("Not connected. Your answer is kept and will be sent when the connection is back.");
  }

  function keepDraft(text) {
    textarea.value = textarea.value.trim() ? `${textarea.value.trim()} ${text}` : text;
    localStorage.setItem(draftKey, textarea.value);
  }

  // A spoken answer, as heard: sent by the server itself, or put in the answer box to check first.
  function onHeard(ev, review) {
    if (review) {
      keepDraft(ev.text);
      voiceDraftId = ev.transcript_id;
      textarea.focus();
      say(`We heard: ${ev.text}. Correct it if needed, then send.`);
      return;
    }
    heard.set(ev.transcript_id, ev.text);
    setEnabled(false);
  }

  const voiceRoot = $("voice");
  const voice = voiceRoot
    ? new Voice(voiceRoot, {
        send,
        sendAudio: (pcm) => socket && socket.readyState === WebSocket.OPEN && socket.send(pcm),
        heard: onHeard,
        problem: showBanner,
      })
    : null;

  function finish() {
    finished = true;
    setEnabled(false);
    stopTimer();
    answerForm.hidden = true;
    if (voice && voice.on) voice.stop();
    $("done").hidden = false;
    $("done-text").textContent = "The interview is over. Your assessment is being written.";
  }

  function onEvent(ev) {
    if (voice && voice.handle(ev)) return;
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
        const spoken = heard.get(ev.client_msg_id);
        if (spoken !== undefined) {
          heard.delete(ev.client_msg_id);
          if (!ev.duplicate) bubble("You", spoken, "answer", false);
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
        if (heard.size && (ev.code === "not_expecting_answer" || ev.code === "busy")) {
          // A spoken answer the server could not take: nothing said is lost, it waits in the answer box.
          for (const text of heard.values()) keepDraft(text);
          heard.clear();
          showBanner(`${ev.message} What you said is in the answer box: send it when the interviewer is ready.`);
        } else {
          showBanner(ev.message);
        }
        if (!finished) setEnabled(awaitingAnswer || ev.code === "not_expecting_answer");
        break;
      default:
        break;
    }
  }

  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(`${scheme}://${window.location.host}/api/v1/interviews/${id}/live`);
    socket.binaryType = "arraybuffer";
    socket.addEventListener("open", () => {
      if (attempts) showBanner("");
      attempts = 0;
      resendAfterQuestion = Boolean(pending());
      window.clearInterval(pingHandle);
      pingHandle = window.setInterval(() => send({ type: "ping" }), 25000);
      if (voice) voice.reconnected();
    });
    socket.addEventListener("message", (m) => {
      if (m.data instanceof ArrayBuffer) {
        if (voice) voice.audio(m.data);
        return;
      }
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
      if (voice) voice.disconnected();
      // A spoken answer not yet acknowledged may or may not be stored: resend it under its transcript id,
      // which the server deduplicates, as a typed answer would be.
      for (const [client_msg_id, text] of heard) {
        localStorage.setItem(pendingKey, JSON.stringify({ type: "answer", client_msg_id, text }));
      }
      heard.clear();
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
