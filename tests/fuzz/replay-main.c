/* Runs every file of a corpus directory through LLVMFuzzerTestOneInput once, so the corpus is a
 * regression test without a fuzzing engine. Usage: replay-TARGET CORPUS_DIR [CORPUS_DIR...] */
#include <glib.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static int
replay_dir (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) dir = g_dir_open (path, 0, &error);
  const char *name;
  int count = 0;

  if (dir == NULL)
    {
      g_printerr ("Cannot open the corpus directory: %s\n", error->message);
      return -1;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (path, name, NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (g_file_test (file, G_FILE_TEST_IS_DIR))
        continue;
      if (!g_file_get_contents (file, &contents, &length, &error))
        {
          g_printerr ("Cannot read a corpus file: %s\n", error->message);
          return -1;
        }
      /* A private copy of exactly length bytes, so ASan notices any read past the end. */
      g_autofree uint8_t *copy = g_memdup2 (contents, length);
      LLVMFuzzerTestOneInput (copy, length);
      count++;
    }
  return count;
}

int
main (int argc, char **argv)
{
  int total = 0;

  if (argc < 2)
    {
      g_printerr ("Usage: %s CORPUS_DIR [CORPUS_DIR...]\n", argv[0]);
      return 2;
    }
  for (int i = 1; i < argc; i++)
    {
      int n = replay_dir (argv[i]);
      if (n < 0)
        return 1;
      total += n;
    }
  if (total == 0)
    {
      g_printerr ("The corpus is empty; nothing was tested.\n");
      return 1;
    }
  g_print ("Replayed %d inputs.\n", total);
  return 0;
}
