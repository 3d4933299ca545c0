package dev.plt.jobs.submit;

/** The spark-submit mains are the CLI with their subcommand fixed. */
final class Submit {
    private Submit() {
    }

    static String[] withCommand(String command, String[] args) {
        String[] all = new String[args.length + 1];
        all[0] = command;
        System.arraycopy(args, 0, all, 1, args.length);
        return all;
    }
}
