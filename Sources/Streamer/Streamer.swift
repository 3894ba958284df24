// Streamer
