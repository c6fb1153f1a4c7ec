/* A shared library without the linkhub entry points. */
int not_a_plugin_answer(void) {
  return 42;
}
