"""Getting word out: the WeChat client, the outbox relay, the live staff feed."""
