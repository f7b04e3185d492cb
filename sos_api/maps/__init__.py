"""Assessment maps, their version chain, and danger statements with their safety goals (domain 2.7, 2.8, 3.3)."""
