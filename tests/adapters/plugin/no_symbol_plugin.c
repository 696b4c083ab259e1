/* Test plugin: a shared object that does not export x86diff_plugin_v1_entry (a typo'd name). */
__attribute__((visibility("default"))) int x86diff_plugin_entry_v1(void) { return 1; }
