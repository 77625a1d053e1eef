// The microphone, as the server hears it: mono signed 16-bit PCM at 16 kHz, posted in 40 ms frames with
// their loudness (RMS, 0-1) for the level meter. Browsers capture at 44.1 or 48 kHz; each output sample is
// the mean of the input samples it spans (a box filter, enough to keep speech free of aliasing).

const TARGET_RATE = 16000;
const FRAME_SAMPLES = 640; // 40 ms

class MicProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.step = sampleRate / TARGET_RATE; // input samples per output sample
    this.carry = new Float32Array(0); // input not yet consumed
    this.offset = 0; // where the next output sample starts in `carry`, fractional
    this.frame = new Int16Array(FRAME_SAMPLES);
    this.filled = 0;
    this.energy = 0;
  }

  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (!channel) return true;
    const input = new Float32Array(this.carry.length + channel.length);
    input.set(this.carry);
    input.set(channel, this.carry.length);
    let start = this.offset;
    while (start + this.step <= input.length) {
      const from = Math.floor(start);
      const to = Math.max(from + 1, Math.floor(start + this.step));
      let sum = 0;
      for (let i = from; i < to; i += 1) sum += input[i];
      this.push(sum / (to - from));
      start += this.step;
    }
    const kept = Math.floor(start);
    this.carry = input.slice(kept);
    this.offset = start - kept;
    return true;
  }

  push(value) {
    const v = Math.max(-1, Math.min(1, value));
    this.frame[this.filled] = v < 0 ? v * 0x8000 : v * 0x7fff;
    this.energy += v * v;
    this.filled += 1;
    if (this.filled === FRAME_SAMPLES) {
      const level = Math.sqrt(this.energy / FRAME_SAMPLES);
      this.port.postMessage({ pcm: this.frame.buffer, level }, [this.frame.buffer]);
      this.frame = new Int16Array(FRAME_SAMPLES);
      this.filled = 0;
      this.energy = 0;
    }
  }
}

registerProcessor("candor-mic", MicProcessor);
