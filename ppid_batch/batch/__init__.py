"""The night: the stages in order, drop folder, lock, run record, console, schedule, demo."""
