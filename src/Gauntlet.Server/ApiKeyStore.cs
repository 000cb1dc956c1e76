using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Gauntlet.Server;

/// <summary>One API key's holder and limit.</summary>
/// <param name="Name">The holder's name (what logs, alerts and metrics show; never the key).</param>
/// <param name="RatePerSecond">Requests per second allowed (0: the server's default).</param>
public sealed record ApiKey(string Name, double RatePerSecond);

/// <summary>
/// API keys from a text file: one key per line as <c>NAME KEY [REQUESTS_PER_SECOND]</c>, blank lines
/// and <c>#</c> comments ignored. Keys are kept as SHA-256 digests and compared in constant time.
/// </summary>
public sealed class ApiKeyStore
{
    private readonly Dictionary<string, ApiKey> _byDigest;

    private ApiKeyStore(Dictionary<string, ApiKey> byDigest) => _byDigest = byDigest;

    /// <summary>The number of keys.</summary>
    public int Count => _byDigest.Count;

    /// <summary>Reads the key file.</summary>
    /// <exception cref="FormatException">A line is not <c>NAME KEY [RATE]</c>, a name or key repeats, or a key is shorter than 16 characters.</exception>
    public static ApiKeyStore Load(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Parses key-file text; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="FormatException">A line is malformed, repeats a name or key, or has a short key.</exception>
    public static ApiKeyStore Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var keys = new Dictionary<string, ApiKey>();
        var names = new HashSet<string>();
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            double rate = 0;
            if (parts.Length is < 2 or > 3 || (parts.Length == 3 && !(double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out rate) && rate > 0 && double.IsFinite(rate))))
            {
                throw new FormatException($"{source}:{lineNumber}: expected 'NAME KEY [REQUESTS_PER_SECOND]' with a positive rate.");
            }

            if (parts[1].Length < 16)
            {
                throw new FormatException($"{source}:{lineNumber}: the key for '{parts[0]}' is shorter than 16 characters.");
            }

            if (!names.Add(parts[0]) || !keys.TryAdd(Digest(parts[1]), new ApiKey(parts[0], rate)))
            {
                throw new FormatException($"{source}:{lineNumber}: the name or key of '{parts[0]}' appears twice.");
            }
        }

        if (keys.Count == 0)
        {
            throw new FormatException($"{source}: no keys (expected lines 'NAME KEY [REQUESTS_PER_SECOND]').");
        }

        return new ApiKeyStore(keys);
    }

    /// <summary>The key's holder, or null for an unknown key.</summary>
    public ApiKey? Find(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var digest = Digest(key);

        // Every stored digest is compared, in constant time, so timing says nothing about near misses.
        ApiKey? found = null;
        foreach (var (stored, holder) in _byDigest)
        {
            if (CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(stored), Encoding.ASCII.GetBytes(digest)))
            {
                found = holder;
            }
        }

        return found;
    }

    private static string Digest(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
