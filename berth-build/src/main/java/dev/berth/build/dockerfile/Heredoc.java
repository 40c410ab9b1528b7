package dev.berth.build.dockerfile;

/**
 * A here-document attached to a RUN, COPY or ADD line ({@code <<EOF}, {@code <<-EOF},
 * {@code <<"EOF"}, {@code 3<<EOF}).
 *
 * @param name    the delimiter word, quotes removed; COPY/ADD name the file after it
 * @param fd      the file descriptor written before {@code <<} (0 when none)
 * @param expand  whether variables in the body are substituted (the word was not quoted)
 * @param chomp   {@code <<-}: leading tabs are stripped from each body line
 * @param content the body, each line with its newline
 */
public record Heredoc(String name, int fd, boolean expand, boolean chomp, String content) {

    public Heredoc withContent(String text) {
        return new Heredoc(name, fd, expand, chomp, text);
    }

    /** The body as a program or file sees it: leading tabs gone for {@code <<-}. */
    public String body() {
        return chomp ? content.replaceAll("(?m)^\t+", "") : content;
    }
}
