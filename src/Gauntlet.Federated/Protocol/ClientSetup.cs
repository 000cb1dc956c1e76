using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gauntlet.Federated.Protocol;

/// <summary>What the server tells a client once, before the first round (sent as JSON).</summary>
public sealed record ClientSetup
{
    /// <summary>The client's id.</summary>
    public required int ClientId { get; init; }

    /// <summary>Indices of the client's samples in the training set.</summary>
    public required int[] Indices { get; init; }

    /// <summary>The size of the training set the indices refer to (a client with other data refuses to start).</summary>
    public required int TrainCount { get; init; }

    /// <summary>The shape of one sample.</summary>
    public required int[] SampleShape { get; init; }

    /// <summary>Number of classes.</summary>
    public required int Classes { get; init; }

    /// <summary>Hidden units of the MLP.</summary>
    public required int Hidden { get; init; }

    /// <summary>Local epochs.</summary>
    public required int Epochs { get; init; }

    /// <summary>Local batch size.</summary>
    public required int BatchSize { get; init; }

    /// <summary>Local learning rate.</summary>
    public required float LearningRate { get; init; }

    /// <summary>FedProx μ.</summary>
    public required float Mu { get; init; }

    /// <summary>The client's weight in the mean: its share of the training samples, or 1/N under client-level DP.</summary>
    public required double Weight { get; init; }

    /// <summary>The Byzantine behaviour's CLI name, or null for an honest client.</summary>
    public string? Attack { get; init; }

    /// <summary>λ of the sign-flip and scale attacks.</summary>
    public required float AttackScale { get; init; }

    /// <summary>The aggregation mode.</summary>
    public required AggregationMode Mode { get; init; }

    /// <summary>Secure aggregation's threshold t.</summary>
    public required int Threshold { get; init; }

    /// <summary>The Paillier modulus n in hexadecimal, under <see cref="AggregationMode.Paillier"/>.</summary>
    public string? PaillierModulus { get; init; }

    /// <summary>The number of clients (the packing headroom of Paillier slots).</summary>
    public required int Clients { get; init; }

    /// <summary>Client-level DP's clip bound C, or null.</summary>
    public float? DpClip { get; init; }

    /// <summary>The run's seed (local shuffles derive from it).</summary>
    public required int Seed { get; init; }

    /// <summary>How long a client waits for any phase.</summary>
    public required double PhaseTimeoutSeconds { get; init; }

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) } };

    /// <summary>The JSON bytes.</summary>
    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>Reads the JSON bytes.</summary>
    /// <exception cref="InvalidDataException">Not a setup document.</exception>
    public static ClientSetup FromBytes(byte[] bytes)
    {
        try
        {
            return JsonSerializer.Deserialize<ClientSetup>(bytes, Json) ?? throw new InvalidDataException("an empty client setup.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"a client setup that is not valid: {ex.Message}", ex);
        }
    }

    /// <summary>The seed of local training in <paramref name="round"/>: fixed by the run's seed, the round and the client.</summary>
    public static int LocalSeed(int seed, int round, int client) => unchecked((seed * 1_000_003) + (round * 1009) + client);
}
