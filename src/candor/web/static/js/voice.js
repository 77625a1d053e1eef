// Voice in the interview room: the microphone streamed to the server as 16 kHz PCM (mic-worklet.js), the
// interviewer's voice played sentence by sentence as it arrives, push-to-talk, and the controls for both.
// The room's socket carries it all (docs/protocol.md, "Voice"); typing keeps working throughout.

const PREFS_KEY = "candor:voice";
const STATE_TEXT = {
  listening: "Listening. Speak when you are ready.",
  speaking: "Hearing you…",
  thinking: "Take your time: a pause does not end your answer.",
  off: "Voice is off.",
};
const PTT_TEXT = "Hold the button (or Space on it) while you speak.";
const DEFAULT_PREFS = { device: "", ptt: false, review: false, muted: false, volume: 1 };

function loadPrefs() {
  try {
    return { ...DEFAULT_PREFS, ...JSON.parse(localStorage.getItem(PREFS_KEY) || "{}") };
  } catch {
    return { ...DEFAULT_PREFS };
  }
}

const unavailableText = (reason) => `Voice is not available on this server (${reason}). Typing works.`;

function micProblem(err) {
  switch (err && err.name) {
    case "NotAllowedError":
    case "SecurityError":
      return "Microphone access was refused. Allow it in your browser's site settings, or type your answers.";
    case "NotFoundError":
    case "OverconstrainedError":
      return "No microphone was found. Plug one in and try again, or type your answers.";
    case "NotReadableError":
      return "The microphone is in use by another application. Close it and try again, or type your answers.";
    default:
      return "The microphone could not be started. You can type your answers.";
  }
}

export class Voice {
  // hooks: send(event) -> bool, sendAudio(ArrayBuffer), heard(transcript.final event, review), problem(text)
  constructor(root, hooks) {
    this.root = root;
    this.hooks = hooks;
    this.prefs = loadPrefs();
    this.on = false;
    this.talking = false; // push-to-talk held
    this.ctx = null;
    this.stream = null;
    this.source = null;
    this.node = null;
    this.gain = null;
    this.playing = new Set(); // sources scheduled or playing
    this.playEnd = 0;
    this.generation = 0; // bumped by speech.stop: audio decoded for an older generation is dropped
    this.decoding = Promise.resolve();
    this.header = null; // the speech.audio event announcing the next binary frame
    this.played = 0;
    const q = (sel) => root.querySelector(sel);
    this.el = {
      toggle: q("#voice-toggle"),
      state: q("#voice-state"),
      level: q("#voice-level"),
      settings: q("#voice-settings"),
      device: q("#voice-device"),
      ptt: q("#voice-ptt"),
      review: q("#voice-review"),
      mute: q("#voice-mute"),
      volume: q("#voice-volume"),
      talk: q("#voice-talk"),
      partial: q("#voice-partial"),
    };
    this.bind();
  }

  get available() {
    return !this.root.dataset.unavailable && Boolean(navigator.mediaDevices && window.AudioWorkletNode);
  }

  bind() {
    const { el, prefs } = this;
    if (!this.available) {
      el.toggle.disabled = true;
      el.state.textContent = this.root.dataset.unavailable
        ? unavailableText(this.root.dataset.unavailable)
        : "This browser cannot record audio here. Typing works.";
      return;
    }
    el.toggle.disabled = false;
    el.ptt.checked = prefs.ptt;
    el.review.checked = prefs.review;
    el.mute.checked = prefs.muted;
    el.volume.value = String(prefs.volume);
    el.toggle.addEventListener("click", () => (this.on ? this.stop() : this.start()));
    el.ptt.addEventListener("change", () => {
      this.save({ ptt: el.ptt.checked });
      this.showMode();
    });
    el.review.addEventListener("change", () => {
      this.save({ review: el.review.checked });
      if (this.on) this.hooks.send(this.startEvent()); // applies from now; what is being heard carries on
    });
    el.mute.addEventListener("change", () => {
      this.save({ muted: el.mute.checked });
      if (el.mute.checked) this.stopPlayback();
    });
    el.volume.addEventListener("input", () => {
      this.save({ volume: Number(el.volume.value) });
      if (this.gain) this.gain.gain.value = this.prefs.volume;
    });
    el.device.addEventListener("change", async () => {
      this.save({ device: el.device.value });
      if (this.on) await this.capture();
    });
    const press = (e) => {
      e.preventDefault();
      this.press(true);
    };
    const release = () => this.press(false);
    el.talk.addEventListener("pointerdown", press);
    el.talk.addEventListener("pointerup", release);
    el.talk.addEventListener("pointerleave", release);
    el.talk.addEventListener("pointercancel", release);
    el.talk.addEventListener("keydown", (e) => {
      if ((e.key === " " || e.key === "Enter") && !e.repeat) press(e);
    });
    el.talk.addEventListener("keyup", (e) => {
      if (e.key === " " || e.key === "Enter") release();
    });
    el.talk.addEventListener("blur", release);
  }

  save(change) {
    Object.assign(this.prefs, change);
    localStorage.setItem(PREFS_KEY, JSON.stringify(this.prefs));
  }

  startEvent() {
    return { type: "voice.start", sample_rate: 16000, speak: true, auto_send: !this.prefs.review };
  }

  async start() {
    const { el } = this;
    el.toggle.disabled = true;
    try {
      this.ctx = this.ctx || new AudioContext({ latencyHint: "interactive" });
      await this.ctx.resume();
      if (!this.gain) {
        await this.ctx.audioWorklet.addModule("/static/js/mic-worklet.js");
        this.gain = this.ctx.createGain();
        this.gain.gain.value = this.prefs.volume;
        this.gain.connect(this.ctx.destination);
      }
      await this.capture();
    } catch (err) {
      console.warn("microphone", err);
      this.release();
      el.toggle.disabled = false;
      this.hooks.problem(micProblem(err));
      return;
    }
    this.on = true;
    el.toggle.disabled = false;
    el.toggle.setAttribute("aria-pressed", "true");
    el.toggle.textContent = "Stop voice";
    el.settings.hidden = false;
    el.level.hidden = false;
    this.showMode();
    el.state.textContent = "Connecting the microphone…";
    this.hooks.send(this.startEvent());
  }

  stop() {
    this.on = false;
    this.press(false);
    this.hooks.send({ type: "voice.stop" });
    this.release();
    this.stopPlayback();
    const { el } = this;
    el.toggle.setAttribute("aria-pressed", "false");
    el.toggle.textContent = "Answer by voice";
    el.settings.hidden = true;
    el.level.hidden = true;
    el.talk.hidden = true;
    el.partial.textContent = "";
    el.state.textContent = STATE_TEXT.off;
    this.root.dataset.state = "off";
  }

  // (Re)open the chosen microphone and route it through the worklet.
  async capture() {
    this.release();
    const audio = { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true };
    if (this.prefs.device) audio.deviceId = { exact: this.prefs.device };
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({ audio });
    } catch (err) {
      if (!this.prefs.device || err.name !== "OverconstrainedError") throw err;
      this.save({ device: "" }); // the remembered microphone is gone: take the default one
      delete audio.deviceId;
      this.stream = await navigator.mediaDevices.getUserMedia({ audio });
    }
    this.source = this.ctx.createMediaStreamSource(this.stream);
    this.node = new AudioWorkletNode(this.ctx, "candor-mic", { numberOfInputs: 1, numberOfOutputs: 0 });
    this.node.port.onmessage = (e) => this.frame(e.data);
    this.source.connect(this.node);
    await this.listDevices();
  }

  release() {
    if (this.node) {
      this.node.port.onmessage = null;
      this.node.disconnect();
    }
    if (this.source) this.source.disconnect();
    if (this.stream) for (const track of this.stream.getTracks()) track.stop();
    this.node = this.source = this.stream = null;
    this.el.level.value = 0;
  }

  async listDevices() {
    const { device } = this.el;
    const inputs = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === "audioinput");
    const current = this.stream && this.stream.getAudioTracks()[0];
    const using = (current && current.getSettings().deviceId) || this.prefs.device;
    device.replaceChildren(
      ...inputs.map((d, i) => {
        const option = document.createElement("option");
        option.value = d.deviceId;
        option.textContent = d.label || `Microphone ${i + 1}`;
        option.selected = d.deviceId === using;
        return option;
      }),
    );
  }

  frame({ pcm, level }) {
    const db = 20 * Math.log10(Math.max(level, 1e-5));
    this.el.level.value = Math.min(1, Math.max(0, (db + 60) / 60));
    if (!this.on) return;
    if (this.prefs.ptt && !this.talking) return;
    this.hooks.sendAudio(pcm);
  }

  press(down) {
    if (down === this.talking || (down && (!this.on || !this.prefs.ptt))) return;
    this.talking = down;
    this.el.talk.setAttribute("aria-pressed", String(down));
    this.el.talk.textContent = down ? "Release to send" : "Hold to talk";
    if (down) this.stopPlayback(); // talking over the interviewer: it yields
    this.hooks.send({ type: "voice.talk", down });
  }

  showMode() {
    const { el } = this;
    el.talk.hidden = !(this.on && this.prefs.ptt);
    if (!this.on) return;
    if (this.prefs.ptt) el.state.textContent = PTT_TEXT;
  }

  // Server events of the voice protocol; returns whether the event was one.
  handle(ev) {
    const { el } = this;
    switch (ev.type) {
      case "voice.state":
        this.root.dataset.state = ev.state;
        if (ev.state === "unavailable") {
          this.root.dataset.unavailable = ev.reason || "unavailable";
          this.stop();
          el.toggle.disabled = true;
          el.state.textContent = unavailableText(ev.reason);
        } else if (this.on) {
          el.state.textContent = this.prefs.ptt && ev.state === "listening" ? PTT_TEXT : STATE_TEXT[ev.state] || "";
        }
        return true;
      case "transcript.partial":
        el.partial.textContent = ev.text;
        return true;
      case "transcript.final":
        el.partial.textContent = "";
        this.hooks.heard(ev, this.prefs.review);
        return true;
      case "speech.audio":
        this.header = ev;
        return true;
      case "speech.stop":
        this.stopPlayback();
        return true;
      default:
        return false;
    }
  }

  // A binary frame: the WAV the last speech.audio announced.
  audio(buffer) {
    const header = this.header;
    this.header = null;
    if (!header || !this.on || this.prefs.muted || !this.ctx) return;
    const generation = this.generation;
    this.decoding = this.decoding
      .then(() => this.ctx.decodeAudioData(buffer))
      .then((decoded) => {
        if (generation === this.generation && this.on && !this.prefs.muted) this.schedule(decoded);
      })
      .catch((err) => console.warn("interviewer audio", err));
  }

  schedule(decoded) {
    const source = this.ctx.createBufferSource();
    source.buffer = decoded;
    source.connect(this.gain);
    const at = Math.max(this.ctx.currentTime, this.playEnd);
    this.playEnd = at + decoded.duration;
    if (!this.playing.size) this.playback("playing");
    this.playing.add(source);
    source.addEventListener("ended", () => {
      if (!this.playing.delete(source)) return;
      this.played += 1;
      this.root.dataset.played = String(this.played);
      if (!this.playing.size) this.playback("idle");
    });
    source.start(at);
  }

  stopPlayback() {
    this.generation += 1;
    this.playEnd = 0;
    const sources = [...this.playing];
    this.playing.clear();
    for (const source of sources) {
      try {
        source.stop();
      } catch {
        // never started
      }
    }
    if (sources.length) this.playback("idle");
  }

  playback(state) {
    this.root.dataset.playback = state;
    this.hooks.send({ type: "playback", state });
  }

  // The socket is back: voice resumes where it was.
  reconnected() {
    if (this.on) this.hooks.send(this.startEvent());
  }

  disconnected() {
    this.header = null;
    this.stopPlayback();
    this.talking = false;
  }
}
