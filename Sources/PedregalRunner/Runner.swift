// The runner: see issue 5.
