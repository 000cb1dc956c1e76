namespace Gauntlet.Federated.SecureAggregation;

/// <summary>
/// The server's side of secure aggregation: it only ever holds masked inputs, and removes the
/// masks from their sum with reconstructed secrets — b_u for each client whose input arrived,
/// s_sk_v for each that dropped after sharing (to recompute and cancel its pairwise masks).
/// </summary>
public static class SecureAggregationServer
{
    /// <summary>The sum over Z_2^32 of the inputs behind <paramref name="masked"/>.</summary>
    /// <param name="threshold">t.</param>
    /// <param name="roster">Round 0's keys of every client that advertised.</param>
    /// <param name="shared">U2: the clients that completed round 1 (sent their shares).</param>
    /// <param name="masked">U3: masked inputs by client, a subset of U2.</param>
    /// <param name="responses">Round 3's answers; at least t are needed.</param>
    /// <exception cref="SecureAggregationException">Fewer than t masked inputs or answers (the error names the counts), inputs of different lengths, or a client outside U2.</exception>
    public static uint[] Unmask(int threshold, IReadOnlyList<AdvertisedKeys> roster, IReadOnlyCollection<int> shared, IReadOnlyDictionary<int, uint[]> masked, IReadOnlyList<UnmaskingShares> responses)
    {
        if (masked.Count < threshold)
        {
            throw new SecureAggregationException($"secure aggregation: {masked.Count} of {shared.Count} clients sent masked inputs; at least t = {threshold} are needed.");
        }

        if (responses.Count < threshold)
        {
            throw new SecureAggregationException($"secure aggregation: {responses.Count} clients answered the unmasking round; reconstructing the masks needs t = {threshold} (more clients dropped than the threshold allows).");
        }

        if (masked.Keys.FirstOrDefault(u => !shared.Contains(u), -1) is var outsider and >= 0)
        {
            throw new SecureAggregationException($"secure aggregation: client {outsider} sent a masked input without having shared its keys.");
        }

        var length = masked.Values.First().Length;
        if (masked.Values.Any(y => y.Length != length))
        {
            throw new SecureAggregationException("secure aggregation: masked inputs of different lengths.");
        }

        var sum = new uint[length];
        foreach (var y in masked.Values)
        {
            for (var i = 0; i < length; i++)
            {
                sum[i] = unchecked(sum[i] + y[i]);
            }
        }

        var keys = roster.ToDictionary(k => k.ClientId);
        foreach (var u in masked.Keys)
        {
            var seed = ShamirSecretSharing.Reconstruct(Shares(responses, r => r.SelfMaskShares, u, threshold), MaskGenerator.SeedBytes);
            MaskGenerator.AddMask(sum, seed, -1);
        }

        foreach (var v in shared.Where(v => !masked.ContainsKey(v)))
        {
            var privateKey = ShamirSecretSharing.Reconstruct(Shares(responses, r => r.MaskKeyShares, v, threshold), 32);
            using var dropped = KeyAgreement.FromPrivate(privateKey, keys[v].MaskKey);
            foreach (var u in masked.Keys)
            {
                // u added sign(u, v)·PRG(s_uv) and v's cancelling term never came: take u's term back out.
                var seed = dropped.Derive(keys[u].MaskKey, Purposes.PairwiseMask);
                MaskGenerator.AddMask(sum, seed, -Purposes.PairSign(u, v));
            }
        }

        return sum;
    }

    private static List<ShamirShare> Shares(IReadOnlyList<UnmaskingShares> responses, Func<UnmaskingShares, IReadOnlyList<HeldShare>> pick, int owner, int threshold)
    {
        var shares = responses.SelectMany(r => pick(r).Where(h => h.Owner == owner).Select(h => h.Share)).DistinctBy(s => s.X).Take(threshold).ToList();
        if (shares.Count < threshold)
        {
            throw new SecureAggregationException($"secure aggregation: {shares.Count} shares of client {owner}'s secret arrived; reconstructing it needs t = {threshold}.");
        }

        return shares;
    }
}
