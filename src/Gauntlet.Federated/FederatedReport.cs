using Gauntlet.Tensors.Nn;

namespace Gauntlet.Federated;

/// <summary>One round's figures.</summary>
/// <param name="Round">1-based round.</param>
/// <param name="TestAccuracy">Accuracy of the new global model on the test set.</param>
/// <param name="Participants">Clients whose updates entered the aggregate.</param>
/// <param name="Dropped">Clients that started the round but whose update did not arrive (killed, timed out).</param>
/// <param name="BytesUp">Bytes clients sent the server in the round (message bodies).</param>
/// <param name="BytesDown">Bytes the server sent clients in the round (message bodies).</param>
/// <param name="Seconds">Wall time of the round.</param>
/// <param name="AggregationSeconds">Server time spent aggregating (for secure aggregation and Paillier: unmasking or decrypting).</param>
/// <param name="Selected">For Krum and Multi-Krum, the clients chosen; else null.</param>
public sealed record RoundReport(int Round, double TestAccuracy, IReadOnlyList<int> Participants, IReadOnlyList<int> Dropped, long BytesUp, long BytesDown, double Seconds, double AggregationSeconds, IReadOnlyList<int>? Selected);

/// <summary>The outcome of a federated run.</summary>
/// <param name="Options">What it was given.</param>
/// <param name="Fleet">How clients ran ("in-process", "processes").</param>
/// <param name="ShardSizes">Samples per client.</param>
/// <param name="ByzantineClients">The Byzantine clients' ids.</param>
/// <param name="InitialAccuracy">Test accuracy of the initial model.</param>
/// <param name="Rounds">Per-round figures.</param>
/// <param name="SetupSeconds">Time before the first round (Paillier key generation included).</param>
/// <param name="TotalSeconds">Wall time of the whole run.</param>
/// <param name="Model">The final global model.</param>
/// <param name="FinalWeights">Its parameters as one vector.</param>
public sealed record FederatedReport(
    FederatedOptions Options,
    string Fleet,
    IReadOnlyList<int> ShardSizes,
    IReadOnlyList<int> ByzantineClients,
    double InitialAccuracy,
    IReadOnlyList<RoundReport> Rounds,
    double SetupSeconds,
    double TotalSeconds,
    Sequential Model,
    float[] FinalWeights);
