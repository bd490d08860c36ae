"""Speech: whisper models, chunked recognition, the audio-visual gate, speakers and subtitle shaping."""
