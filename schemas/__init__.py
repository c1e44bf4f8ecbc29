"""The contract: pydantic models shared by the server and the staff terminal."""
