using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gauntlet.Governance.Log;

/// <summary>
/// A signed tree head (a checkpoint): the log's key states that the log named <see cref="Origin"/>
/// had <see cref="TreeSize"/> entries with root <see cref="RootHash"/> at <see cref="Timestamp"/>.
/// Anyone with the public key can check it, and with a consistency proof check that a later head
/// extends it.
/// </summary>
/// <param name="Origin">The log's name (the folder name unless chosen).</param>
/// <param name="TreeSize">The number of entries.</param>
/// <param name="RootHash">MTH of those entries.</param>
/// <param name="Timestamp">When the head was signed (UTC, whole seconds).</param>
/// <param name="KeyId">The signing key's id (<see cref="LogKeys.KeyId"/>).</param>
/// <param name="Signature">ECDSA P-256 over SHA-256 of <see cref="SignedText"/>, DER-encoded (RFC 3279).</param>
public sealed record SignedTreeHead(string Origin, long TreeSize, byte[] RootHash, DateTimeOffset Timestamp, string KeyId, byte[] Signature)
{
    // Exact, so that no two texts read as the same time (the signature covers the parsed value).
    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    /// <summary>The exact text that is signed: a versioned, line-per-field statement (the key id included, so it cannot be swapped).</summary>
    public string SignedText => SignedTextOf(Origin, TreeSize, RootHash, Timestamp, KeyId);

    /// <summary>Signs the head of a tree with <paramref name="key"/>.</summary>
    public static SignedTreeHead Sign(ECDsa key, string origin, long treeSize, byte[] rootHash, DateTimeOffset timestamp)
    {
        var when = DateTimeOffset.FromUnixTimeSeconds(timestamp.ToUnixTimeSeconds());
        var keyId = LogKeys.KeyId(key);
        var text = SignedTextOf(origin, treeSize, rootHash, when, keyId);
        var signature = key.SignData(Encoding.UTF8.GetBytes(text), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return new SignedTreeHead(origin, treeSize, rootHash, when, keyId, signature);
    }

    /// <summary>Whether the signature holds under <paramref name="publicKey"/>.</summary>
    public bool VerifySignature(ECDsa publicKey)
    {
        try
        {
            return publicKey.VerifyData(Encoding.UTF8.GetBytes(SignedText), Signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false; // a malformed DER signature is a bad signature
        }
    }

    /// <summary>The head as one JSON object (snake_case, hex root, base64 signature).</summary>
    public string ToJson() => new JsonObject
    {
        ["origin"] = Origin,
        ["tree_size"] = TreeSize,
        ["root_hash"] = Convert.ToHexStringLower(RootHash),
        ["timestamp"] = Timestamp.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture),
        ["key_id"] = KeyId,
        ["signature"] = Convert.ToBase64String(Signature),
    }.ToJsonString();

    /// <summary>Reads a head written by <see cref="ToJson"/>.</summary>
    /// <exception cref="InvalidDataException">The text is not such a head.</exception>
    public static SignedTreeHead Parse(string json)
    {
        try
        {
            var o = JsonNode.Parse(json)?.AsObject() ?? throw new InvalidDataException("not a JSON object");
            return new SignedTreeHead(
                (string?)o["origin"] ?? throw new InvalidDataException("origin missing"),
                (long?)o["tree_size"] ?? throw new InvalidDataException("tree_size missing"),
                Convert.FromHexString((string?)o["root_hash"] ?? throw new InvalidDataException("root_hash missing")),
                DateTimeOffset.ParseExact((string?)o["timestamp"] ?? throw new InvalidDataException("timestamp missing"), TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                (string?)o["key_id"] ?? throw new InvalidDataException("key_id missing"),
                Convert.FromBase64String((string?)o["signature"] ?? throw new InvalidDataException("signature missing")));
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            throw new InvalidDataException($"not a signed tree head: {ex.Message}", ex);
        }
    }

    private static string SignedTextOf(string origin, long treeSize, byte[] rootHash, DateTimeOffset timestamp, string keyId) =>
        string.Create(CultureInfo.InvariantCulture, $"gauntlet-log-checkpoint/v1\n{origin}\n{treeSize}\n{Convert.ToHexStringLower(rootHash)}\n{timestamp.ToUnixTimeSeconds()}\n{keyId}\n");
}
