"""Running flows: the browser session, the step runner and what each step may use."""
