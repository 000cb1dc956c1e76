namespace Gauntlet.Federated.Protocol;

/// <summary>The names of the protocol's phases on the wire.</summary>
public static class Phases
{
    /// <summary>The one-time client setup.</summary>
    public const string Setup = "setup";

    /// <summary>The global model for round r (empty: the run is over).</summary>
    public static string Global(int round) => $"r{round}/global";

    /// <summary>Plain updates.</summary>
    public static string Update(int round) => $"r{round}/update";

    /// <summary>Secure aggregation round 0: public keys.</summary>
    public static string Keys(int round) => $"r{round}/keys";

    /// <summary>Secure aggregation: the roster of keys.</summary>
    public static string Roster(int round) => $"r{round}/roster";

    /// <summary>Secure aggregation round 1: encrypted shares.</summary>
    public static string Shares(int round) => $"r{round}/shares";

    /// <summary>Secure aggregation: the shares addressed to one client.</summary>
    public static string Inbox(int round) => $"r{round}/inbox";

    /// <summary>Secure aggregation round 2: masked inputs.</summary>
    public static string Masked(int round) => $"r{round}/masked";

    /// <summary>Secure aggregation: who sent masked inputs.</summary>
    public static string MaskedSet(int round) => $"r{round}/masked-set";

    /// <summary>Secure aggregation round 3: unmasking shares.</summary>
    public static string Unmask(int round) => $"r{round}/unmask";

    /// <summary>Paillier: encrypted packed updates.</summary>
    public static string Encrypted(int round) => $"r{round}/encrypted";
}
