/* ELF reader fixture, unit 1: functions, a static helper (its twin of the same name is in b.c),
   a thread-local, data, a function in .init.text, and kernel-module style .modinfo records. */
struct item {
  int key;
  long value;
  struct item *next;
};

__thread int tls_counter;
int global_data = 42;

__attribute__((section(".modinfo"), used, aligned(1))) static const char modinfo_name[] = "name=fixture";
__attribute__((section(".modinfo"), used, aligned(1))) static const char modinfo_vermagic[] =
    "vermagic=6.1.0-test SMP mod_unload";
__attribute__((section(".modinfo"), used, aligned(1))) static const char modinfo_alias1[] = "alias=fx:a";
__attribute__((section(".modinfo"), used, aligned(1))) static const char modinfo_alias2[] = "alias=fx:b";

__attribute__((noinline, used)) static int helper(int x) {
  return x * 3 + global_data;
}

__attribute__((noinline)) int lookup(struct item *it, int key) {
  while (it && it->key != key)
    it = it->next;
  return it ? (int)it->value + helper(key) : -1;
}

__attribute__((section(".init.text"), noinline)) int setup(int n) {
  tls_counter = n;
  return helper(n);
}

int other(int a);

int entry(void) {
  struct item i = {1, 2, 0};
  return lookup(&i, 1) + setup(3) + tls_counter + other(5);
}
