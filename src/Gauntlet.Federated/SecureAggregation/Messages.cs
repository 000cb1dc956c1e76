namespace Gauntlet.Federated.SecureAggregation;

/// <summary>Round 0 of Bonawitz et al.: a client's two public keys for this round.</summary>
/// <param name="ClientId">The client.</param>
/// <param name="CipherKey">c_pk: agreed with each peer into the key that encrypts the shares sent to it.</param>
/// <param name="MaskKey">s_pk: agreed with each peer into their pairwise mask seed.</param>
public sealed record AdvertisedKeys(int ClientId, byte[] CipherKey, byte[] MaskKey);

/// <summary>Round 1: shares of the sender's self-mask seed b and mask key s_sk, encrypted for one peer and routed by the server, which cannot read them.</summary>
/// <param name="From">The sender.</param>
/// <param name="To">The recipient.</param>
/// <param name="Ciphertext">AES-GCM: nonce (12) ‖ tag (16) ‖ encrypted shares.</param>
public sealed record EncryptedShare(int From, int To, byte[] Ciphertext);

/// <summary>A share a client holds of another client's secret.</summary>
/// <param name="Owner">Whose secret it is a share of.</param>
/// <param name="Share">The share.</param>
public sealed record HeldShare(int Owner, ShamirShare Share);

/// <summary>Round 3: a surviving client's shares, b for each client whose masked input arrived and s_sk for each that dropped after sharing — never both for one client.</summary>
/// <param name="ClientId">The responding client.</param>
/// <param name="SelfMaskShares">Shares of b_u for u in the masked set.</param>
/// <param name="MaskKeyShares">Shares of s_sk_u for u that shared but sent no masked input.</param>
public sealed record UnmaskingShares(int ClientId, IReadOnlyList<HeldShare> SelfMaskShares, IReadOnlyList<HeldShare> MaskKeyShares);

/// <summary>Secure aggregation could not complete: too few clients for the threshold, or a message that does not fit the protocol.</summary>
public sealed class SecureAggregationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SecureAggregationException()
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public SecureAggregationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public SecureAggregationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
