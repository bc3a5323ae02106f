/* A shared library named like a plugin that exports no entry point. */
int quarry_something_else(void) {
  return 42;
}
