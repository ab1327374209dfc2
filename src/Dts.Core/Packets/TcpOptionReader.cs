namespace Dts.Core.Packets;

/// <summary>
/// Walks a TCP options area (header bytes 20 up to the data offset, RFC 9293 §3.1) and yields each option
/// with its kind, offset and data. NOPs are skipped; End-of-Option-List ends the walk (what follows is
/// padding). A length byte below 2, a missing length byte or a length running past the area marks the list
/// malformed and stops the walk; options yielded before that stay valid, as in Linux's
/// <c>tcp_parse_options</c>. Never throws, never allocates. Usable with <c>foreach</c>.
/// </summary>
public ref struct TcpOptionReader
{
    private readonly ReadOnlySpan<byte> _options;
    private int _position;
    private TcpOption _current;

    /// <summary>Starts a walk over <paramref name="options"/>, the options area only (no fixed header).</summary>
    public TcpOptionReader(ReadOnlySpan<byte> options)
    {
        _options = options;
    }

    /// <summary>True once the walk stopped on a malformed length.</summary>
    public bool IsMalformed { get; private set; }

    /// <summary>The option read by the last successful <see cref="MoveNext"/>.</summary>
    public readonly TcpOption Current => _current;

    /// <summary>
    /// True when every option in <paramref name="options"/> up to End-of-Option-List (or the end) has a
    /// length that is at least 2 and fits.
    /// </summary>
    public static bool IsWellFormed(ReadOnlySpan<byte> options)
    {
        var reader = new TcpOptionReader(options);
        while (reader.MoveNext())
        {
        }

        return !reader.IsMalformed;
    }

    /// <summary>Returns this reader so it can be used in <c>foreach</c>.</summary>
    public readonly TcpOptionReader GetEnumerator() => this;

    /// <summary>Reads the next option other than NOP into <paramref name="option"/>; false at the end or on malformed input.</summary>
    public bool TryRead(out TcpOption option)
    {
        bool ok = MoveNext();
        option = _current;
        return ok;
    }

    /// <summary>Advances to the next option other than NOP; false at the end of the list or on malformed input.</summary>
    public bool MoveNext()
    {
        while (_position < _options.Length)
        {
            int start = _position;
            byte kind = _options[start];
            if (kind == TcpOptionKind.EndOfList)
            {
                _position = _options.Length;
                break;
            }

            if (kind == TcpOptionKind.Nop)
            {
                _position++;
                continue;
            }

            int remaining = _options.Length - start;
            int length = remaining >= 2 ? _options[start + 1] : 0;
            if (length < 2 || length > remaining)
            {
                IsMalformed = true;
                _position = _options.Length;
                break;
            }

            _current = new TcpOption(kind, start, _options.Slice(start + 2, length - 2));
            _position = start + length;
            return true;
        }

        _current = default;
        return false;
    }
}
