namespace Dts.Bench;

/// <summary>
/// Puts a section at the end of a Markdown file: an existing section with the same title (up to the next
/// <c>## </c> heading or the end) is removed, and the new one is appended last. Nothing else is touched.
/// </summary>
public static class ReadmeSection
{
    /// <summary>The text of <paramref name="markdown"/> with <paramref name="title"/>'s section replaced by <paramref name="body"/>, at the end.</summary>
    public static string Replace(string markdown, string title, string body)
    {
        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').ToList();
        int start = lines.FindIndex(l => l.TrimEnd() == title);
        if (start >= 0)
        {
            int end = start + 1;
            bool inFence = false;
            while (end < lines.Count)
            {
                if (lines[end].StartsWith("```", StringComparison.Ordinal))
                {
                    inFence = !inFence;
                }
                else if (!inFence && lines[end].StartsWith("## ", StringComparison.Ordinal))
                {
                    break;
                }

                end++;
            }

            lines.RemoveRange(start, end - start);
        }

        string rest = string.Join('\n', lines).TrimEnd('\n', ' ');
        return rest + "\n\n" + title + "\n\n" + body.TrimEnd('\n') + "\n";
    }

    /// <summary>Applies <see cref="Replace"/> to the file at <paramref name="path"/>.</summary>
    public static void Write(string path, string title, string body) =>
        File.WriteAllText(path, Replace(File.ReadAllText(path), title, body));
}
