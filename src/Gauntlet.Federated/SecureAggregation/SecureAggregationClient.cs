using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Gauntlet.Federated.SecureAggregation;

/// <summary>
/// One client's side of one round of secure aggregation (Bonawitz et al. 2017, the
/// semi-honest variant without the consistency-check round and signatures): advertise keys,
/// secret-share b and s_sk, send the masked input y = x + PRG(b) + Σ_v ±PRG(s_uv), and help
/// unmask. Each method is one protocol round and must be called in order.
/// </summary>
public sealed class SecureAggregationClient : IDisposable
{
    private readonly KeyAgreement _cipherKey = KeyAgreement.Generate();
    private readonly KeyAgreement _maskKey = KeyAgreement.Generate();
    private readonly byte[] _selfMaskSeed = RandomNumberGenerator.GetBytes(MaskGenerator.SeedBytes);
    private readonly Dictionary<int, AdvertisedKeys> _roster = [];
    private readonly Dictionary<int, (ShamirShare SelfMask, ShamirShare MaskKey)> _held = [];
    private IReadOnlyList<int> _shared = [];

    /// <summary>Creates the client <paramref name="clientId"/> for a round with threshold <paramref name="threshold"/>.</summary>
    public SecureAggregationClient(int clientId, int threshold)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(clientId);
        ArgumentOutOfRangeException.ThrowIfLessThan(threshold, 1);
        ClientId = clientId;
        Threshold = threshold;
    }

    /// <summary>The client's id.</summary>
    public int ClientId { get; }

    /// <summary>t: shares needed to reconstruct.</summary>
    public int Threshold { get; }

    /// <summary>Round 0: the public keys to broadcast.</summary>
    public AdvertisedKeys Advertise() => new(ClientId, _cipherKey.PublicKey, _maskKey.PublicKey);

    /// <summary>Round 1: shares of b and s_sk for every client of <paramref name="roster"/> (this one included), each encrypted for its recipient.</summary>
    /// <exception cref="SecureAggregationException">Fewer than t clients in the roster, or this client missing from it.</exception>
    public IReadOnlyList<EncryptedShare> ShareKeys(IReadOnlyList<AdvertisedKeys> roster)
    {
        if (roster.Count < Threshold)
        {
            throw new SecureAggregationException($"secure aggregation: {roster.Count} clients advertised keys; the threshold is {Threshold}.");
        }

        foreach (var keys in roster)
        {
            _roster[keys.ClientId] = keys;
        }

        if (!_roster.ContainsKey(ClientId))
        {
            throw new SecureAggregationException($"secure aggregation: client {ClientId} is not in the roster it was sent.");
        }

        var ids = roster.Select(k => k.ClientId).ToList();
        var points = ids.Select(id => id + 1).ToList();
        var selfShares = ShamirSecretSharing.Share(_selfMaskSeed, points, Threshold);
        var keyShares = ShamirSecretSharing.Share(_maskKey.PrivateKey, points, Threshold);
        var sent = new List<EncryptedShare>(ids.Count);
        for (var k = 0; k < ids.Count; k++)
        {
            var plaintext = ShareCodec.Encode(selfShares[k], keyShares[k]);
            sent.Add(new EncryptedShare(ClientId, ids[k], Seal(ids[k], plaintext)));
        }

        return sent;
    }

    /// <summary>
    /// Round 2: decrypts the shares sent to this client (their senders are the set U2 that
    /// completed round 1) and returns y = x + PRG(b) + Σ_{v∈U2, v≠u} sign(u, v)·PRG(s_uv) over Z_2^32.
    /// </summary>
    /// <exception cref="SecureAggregationException">Fewer than t senders, or a share that fails authentication.</exception>
    public uint[] MaskedInput(uint[] input, IReadOnlyList<EncryptedShare> received)
    {
        foreach (var share in received)
        {
            if (share.To != ClientId || !_roster.ContainsKey(share.From))
            {
                throw new SecureAggregationException($"secure aggregation: client {ClientId} was handed a share from {share.From} to {share.To}.");
            }

            var (selfMask, maskKey) = ShareCodec.Decode(Open(share));
            _held[share.From] = (selfMask, maskKey);
        }

        _shared = [.. _held.Keys.Order()];
        if (_shared.Count < Threshold)
        {
            throw new SecureAggregationException($"secure aggregation: {_shared.Count} clients completed the key sharing; the threshold is {Threshold}.");
        }

        var y = (uint[])input.Clone();
        MaskGenerator.AddMask(y, _selfMaskSeed, 1);
        foreach (var v in _shared.Where(v => v != ClientId))
        {
            var seed = _maskKey.Derive(_roster[v].MaskKey, Purposes.PairwiseMask);
            MaskGenerator.AddMask(y, seed, Purposes.PairSign(ClientId, v));
        }

        return y;
    }

    /// <summary>Round 3: for each client in <paramref name="masked"/> its share of b, for each that shared but is not in it its share of s_sk.</summary>
    /// <exception cref="SecureAggregationException">Fewer than t masked inputs, or a client the server lists that never shared keys.</exception>
    public UnmaskingShares Unmask(IReadOnlyCollection<int> masked)
    {
        if (masked.Count < Threshold)
        {
            throw new SecureAggregationException($"secure aggregation: {masked.Count} masked inputs arrived; the threshold is {Threshold}.");
        }

        var strangers = masked.Where(u => !_held.ContainsKey(u)).ToList();
        if (strangers.Count > 0)
        {
            throw new SecureAggregationException($"secure aggregation: the server listed client {strangers[0]}, which never shared keys with client {ClientId}.");
        }

        var set = masked.ToHashSet();
        return new UnmaskingShares(
            ClientId,
            [.. _shared.Where(set.Contains).Select(u => new HeldShare(u, _held[u].SelfMask))],
            [.. _shared.Where(u => !set.Contains(u)).Select(u => new HeldShare(u, _held[u].MaskKey))]);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_selfMaskSeed);
        _cipherKey.Dispose();
        _maskKey.Dispose();
    }

    private byte[] Seal(int to, byte[] plaintext)
    {
        var key = _cipherKey.Derive(_roster[to].CipherKey, Purposes.ShareEncryption);
        using var gcm = new AesGcm(key, 16);
        var output = new byte[12 + 16 + plaintext.Length];
        RandomNumberGenerator.Fill(output.AsSpan(0, 12));
        gcm.Encrypt(output.AsSpan(0, 12), plaintext, output.AsSpan(28), output.AsSpan(12, 16), Header(ClientId, to));
        return output;
    }

    private byte[] Open(EncryptedShare share)
    {
        var key = _cipherKey.Derive(_roster[share.From].CipherKey, Purposes.ShareEncryption);
        using var gcm = new AesGcm(key, 16);
        var c = share.Ciphertext;
        if (c.Length < 28)
        {
            throw new SecureAggregationException($"secure aggregation: a share of {c.Length} bytes from client {share.From}.");
        }

        var plaintext = new byte[c.Length - 28];
        try
        {
            gcm.Decrypt(c.AsSpan(0, 12), c.AsSpan(28), c.AsSpan(12, 16), plaintext, Header(share.From, share.To));
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new SecureAggregationException($"secure aggregation: the share from client {share.From} to {share.To} failed authentication.", ex);
        }

        return plaintext;
    }

    // The associated data binds each ciphertext to its sender and recipient, so the server cannot reroute one.
    private static byte[] Header(int from, int to)
    {
        var header = new byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(header, from);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), to);
        return header;
    }
}
