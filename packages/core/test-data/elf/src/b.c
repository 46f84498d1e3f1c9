/* ELF reader fixture, unit 2: a static function with the same name as one in a.c but another size,
   so that symbol lookups by name must use the size to pick the right one. */
volatile int sink;

__attribute__((noinline, used)) static int helper(int x, int y) {
  int r = 0;
  for (int i = 0; i < x; i++)
    r += i * y + sink;
  return r + 7;
}

int other(int a) {
  return helper(a, a + 1) * helper(a, 2);
}
