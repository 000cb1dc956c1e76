namespace Gauntlet.Federated.SecureAggregation;

/// <summary>The HKDF info strings that separate the keys derived from one agreement.</summary>
internal static class Purposes
{
    public const string ShareEncryption = "gauntlet secagg v1 share encryption";
    public const string PairwiseMask = "gauntlet secagg v1 pairwise mask";

    /// <summary>+1 when <paramref name="self"/> adds the mask it shares with <paramref name="other"/>, −1 when it subtracts it: the two ends cancel.</summary>
    public static int PairSign(int self, int other) => self < other ? 1 : -1;
}
