"""Voice: speech to text and back over REST, live listening (VAD, turn-taking, incremental transcription),
vocabulary bias from the CV and the position. The engines themselves are in `candor.providers.speech`."""
