"""External services behind narrow Protocols: language models (`llm`), later speech."""
