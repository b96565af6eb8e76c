/*
 * driver.c: main() for replaying fuzz inputs without libFuzzer, so that
 * "make fuzz-regress" needs only $(CC) and works under ASan+UBSan. Each
 * argument is a file, or a directory whose files are all run.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static int	run_path(const char *);

/* Runs the target once over the contents of a file. */
static void
run_file(const char *path)
{
	FILE	*f;
	uint8_t	*data;
	long	 len;

	if ((f = fopen(path, "rb")) == NULL)
		err(1, "%s", path);
	if (fseek(f, 0, SEEK_END) == -1 || (len = ftell(f)) == -1 ||
	    fseek(f, 0, SEEK_SET) == -1)
		err(1, "%s", path);
	/* Exactly len bytes, so that ASan sees a read past the input. */
	if ((data = malloc(len == 0 ? 1 : (size_t)len)) == NULL)
		err(1, NULL);
	if (fread(data, 1, (size_t)len, f) != (size_t)len)
		errx(1, "%s: short read", path);
	fclose(f);
	LLVMFuzzerTestOneInput(data, (size_t)len);
	free(data);
}

/* Runs every file of a directory, not its dot-files or subdirectories. */
static int
run_dir(const char *path)
{
	struct dirent	 *de;
	DIR		 *d;
	char		 *sub;
	int		  n = 0;

	if ((d = opendir(path)) == NULL)
		err(1, "%s", path);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (asprintf(&sub, "%s/%s", path, de->d_name) == -1)
			err(1, NULL);
		n += run_path(sub);
		free(sub);
	}
	closedir(d);
	return n;
}

/* Returns how many inputs were run. */
static int
run_path(const char *path)
{
	struct stat	sb;

	if (stat(path, &sb) == -1)
		err(1, "%s", path);
	if (S_ISDIR(sb.st_mode))
		return run_dir(path);
	if (!S_ISREG(sb.st_mode))
		return 0;
	run_file(path);
	return 1;
}

int
main(int argc, char **argv)
{
	int	i, n = 0;

	for (i = 1; i < argc; i++)
		n += run_path(argv[i]);
	printf("%s: %d inputs\n", argv[0], n);
	return 0;
}
