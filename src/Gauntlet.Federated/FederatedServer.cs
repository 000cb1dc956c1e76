using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Gauntlet.Data;
using Gauntlet.Federated.Aggregation;
using Gauntlet.Federated.Byzantine;
using Gauntlet.Federated.Homomorphic;
using Gauntlet.Federated.Protocol;
using Gauntlet.Federated.SecureAggregation;
using Gauntlet.Federated.Splits;
using Gauntlet.Federated.Transport;
using Gauntlet.Models;
using Gauntlet.Tensors;

namespace Gauntlet.Federated;

/// <summary>
/// The coordinating server: splits the data, starts the clients through a fleet, and runs the
/// rounds over HTTP — publish the global model, collect what arrives before the deadline from
/// clients still alive, aggregate, evaluate.
/// </summary>
public static class FederatedServer
{
    /// <summary>Runs a federation of <see cref="FederatedOptions.Clients"/> clients on <paramref name="train"/>, evaluating on <paramref name="test"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid (<see cref="FederatedOptions.Validate"/>).</exception>
    /// <exception cref="SecureAggregationException">Secure aggregation lost more clients than its threshold allows.</exception>
    /// <exception cref="RoundFailedException">No update arrived in a round.</exception>
    public static async Task<FederatedReport> RunAsync(FederatedOptions options, LabeledImages train, LabeledImages test, IClientFleet fleet, IProgress<RoundReport>? progress = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        var total = Stopwatch.StartNew();
        var shards = ClientSplit.Split(train.Labels, train.ClassCount, options.Clients, options.Split, options.Alpha, options.Seed);
        var sampleShape = train.Images.Shape.Dims[1..].ToArray();
        var model = FederatedModels.Mlp(sampleShape, train.ClassCount, options.Hidden, options.Seed);
        var global = ModelVector.Read(model);
        var ids = Enumerable.Range(0, options.Clients).ToList();
        var byzantine = ids.Take(options.Byzantine).ToList();

        // The Paillier private key belongs to a key authority that only ever decrypts sums; in
        // this demo it lives in the coordinating process, beside the aggregator.
        var keyAuthority = options.Mode == AggregationMode.Paillier ? PaillierKeyPair.Generate(options.PaillierBits) : null;

        await using var board = new RoundBoard();
        foreach (var id in ids)
        {
            board.Publish(Phases.Setup, id, Setup(options, id, shards, train, sampleShape, byzantine, keyAuthority).ToBytes());
        }

        if (options.Drop is { } drop)
        {
            var killPhase = options.Mode == AggregationMode.SecureAggregation ? Phases.Inbox(drop.Round) : Phases.Global(drop.Round);
            board.Fetched += (phase, client) =>
            {
                if (client == drop.ClientId && phase == killPhase)
                {
                    fleet.Kill(client);
                }
            };
        }

        await fleet.StartAsync(board.Address, ids, board.MarkGone, cancellationToken).ConfigureAwait(false);
        var initialAccuracy = Trainer.Evaluate(model, test);
        var setupSeconds = total.Elapsed.TotalSeconds;
        var noise = new Rng(options.Seed + 17);
        var rounds = new List<RoundReport>();
        try
        {
            for (var round = 1; round <= options.Rounds; round++)
            {
                var clock = Stopwatch.StartNew();
                var (up, down) = (board.BytesReceived, board.BytesSent);
                var starting = ids.Where(c => !board.IsGone(c)).ToList();
                board.Publish(Phases.Global(round), Wire.Floats(global));
                var outcome = options.Mode switch
                {
                    AggregationMode.SecureAggregation => await SecureRoundAsync(board, options, round, starting, global.Length, cancellationToken).ConfigureAwait(false),
                    AggregationMode.Paillier => await PaillierRoundAsync(board, options, round, starting, global.Length, keyAuthority!, cancellationToken).ConfigureAwait(false),
                    _ => await PlainRoundAsync(board, options, round, starting, cancellationToken).ConfigureAwait(false),
                };
                var update = outcome.Update;
                if (options.Dp is { } dp)
                {
                    // DP-FedAvg: noise N(0, (σC)²) on the sum of clipped updates, i.e. σC/m on their mean.
                    var perCoordinate = new float[update.Length];
                    dp.AddNoise(perCoordinate, noise);
                    for (var i = 0; i < update.Length; i++)
                    {
                        update[i] += perCoordinate[i] / outcome.Participants.Count;
                    }
                }

                for (var i = 0; i < global.Length; i++)
                {
                    global[i] += update[i];
                }

                ModelVector.Write(model, global);
                var accuracy = Trainer.Evaluate(model, test);
                var report = new RoundReport(
                    round, accuracy, outcome.Participants, [.. starting.Except(outcome.Participants)], board.BytesReceived - up, board.BytesSent - down,
                    clock.Elapsed.TotalSeconds, outcome.AggregationSeconds, outcome.Selected);
                rounds.Add(report);
                progress?.Report(report);
            }
        }
        finally
        {
            board.Publish(Phases.Global(options.Rounds + 1), []);
            await fleet.StopAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }

        return new FederatedReport(options, fleet.Kind, [.. shards.Select(s => s.Length)], byzantine, initialAccuracy, rounds, setupSeconds, total.Elapsed.TotalSeconds, model, global);
    }

    private sealed record RoundOutcome(float[] Update, IReadOnlyList<int> Participants, double AggregationSeconds, IReadOnlyList<int>? Selected);

    private static ClientSetup Setup(FederatedOptions options, int id, int[][] shards, LabeledImages train, int[] sampleShape, List<int> byzantine, PaillierKeyPair? paillier)
    {
        var local = options.LocalTraining;
        return new ClientSetup
        {
            ClientId = id,
            Indices = shards[id],
            TrainCount = train.Count,
            SampleShape = sampleShape,
            Classes = train.ClassCount,
            Hidden = options.Hidden,
            Epochs = local.Epochs,
            BatchSize = local.BatchSize,
            LearningRate = local.LearningRate,
            Mu = local.ProximalMu,
            // Under client-level DP every client weighs the same, so one client's influence is bounded by C.
            Weight = options.Dp is null ? (double)shards[id].Length / train.Count : 1.0 / options.Clients,
            Attack = byzantine.Contains(id) ? ByzantineAttack.NameOf(options.Attack) : null,
            AttackScale = options.AttackScale,
            Mode = options.Mode,
            Threshold = options.EffectiveThreshold,
            PaillierModulus = paillier?.Public.N.ToString("x", CultureInfo.InvariantCulture),
            Clients = options.Clients,
            DpClip = options.Dp?.Clip,
            Seed = options.Seed,
            PhaseTimeoutSeconds = options.EffectiveRoundTimeout.TotalSeconds,
        };
    }

    private static async Task<RoundOutcome> PlainRoundAsync(RoundBoard board, FederatedOptions options, int round, List<int> starting, CancellationToken cancellationToken)
    {
        var posts = await board.CollectAsync(Phases.Update(round), starting, options.EffectiveRoundTimeout, cancellationToken).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        var updates = new List<ClientUpdate>();
        foreach (var (client, bytes) in posts.OrderBy(p => p.Key))
        {
            try
            {
                var (weight, delta) = Wire.Update(bytes);
                updates.Add(new ClientUpdate(client, delta, weight));
            }
            catch (InvalidDataException)
            {
                // A malformed update is dropped like a missing one; the round goes on with the rest.
            }
        }

        if (updates.Count == 0)
        {
            throw new RoundFailedException($"round {round}: no client update arrived within {options.EffectiveRoundTimeout.TotalSeconds:F0} s.");
        }

        var aggregator = AggregatorCatalog.Find(options.Aggregator).Create(updates.Count, options.EffectiveAggregation);
        var update = aggregator.Aggregate(options.Dp is null ? updates : [.. updates.Select(u => u with { Weight = 1 })]);
        return new RoundOutcome(update, [.. updates.Select(u => u.ClientId)], clock.Elapsed.TotalSeconds, (aggregator as Krum)?.LastSelection);
    }

    private static async Task<RoundOutcome> SecureRoundAsync(RoundBoard board, FederatedOptions options, int round, List<int> starting, int length, CancellationToken cancellationToken)
    {
        var timeout = options.EffectiveRoundTimeout;
        var t = options.EffectiveThreshold;
        var keys = await board.CollectAsync(Phases.Keys(round), starting, timeout, cancellationToken).ConfigureAwait(false);
        var roster = keys.OrderBy(k => k.Key).SelectMany(k => Wire.Keys(k.Value).Where(a => a.ClientId == k.Key).Take(1)).ToList();
        if (roster.Count < t)
        {
            throw new SecureAggregationException($"secure aggregation, round {round}: {roster.Count} clients advertised keys; the threshold is {t}.");
        }

        board.Publish(Phases.Roster(round), Wire.Keys(roster));
        var rosterIds = roster.Select(k => k.ClientId).ToList();
        var sharePosts = await board.CollectAsync(Phases.Shares(round), rosterIds, timeout, cancellationToken).ConfigureAwait(false);
        var shares = sharePosts.SelectMany(p => Wire.Shares(p.Value).Where(s => s.From == p.Key)).ToList();
        var shared = sharePosts.Keys.Order().ToList();
        foreach (var v in rosterIds)
        {
            board.Publish(Phases.Inbox(round), v, Wire.Shares([.. shares.Where(s => s.To == v)]));
        }

        var maskedPosts = await board.CollectAsync(Phases.Masked(round), shared, timeout, cancellationToken).ConfigureAwait(false);
        var masked = maskedPosts.Where(p => p.Value.Length == (length + 1) * 4).ToDictionary(p => p.Key, p => Wire.Words(p.Value));
        board.Publish(Phases.MaskedSet(round), JsonSerializer.SerializeToUtf8Bytes(masked.Keys.Order().ToArray()));
        var answers = await board.CollectAsync(Phases.Unmask(round), [.. masked.Keys], timeout, cancellationToken).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        var sum = SecureAggregationServer.Unmask(t, roster, shared, masked, [.. answers.Values.Select(Wire.Unmasking)]);
        var update = MeanOfWeightedSum(FixedPoint.Decode(sum), round);
        return new RoundOutcome(update, [.. masked.Keys.Order()], clock.Elapsed.TotalSeconds, null);
    }

    private static async Task<RoundOutcome> PaillierRoundAsync(RoundBoard board, FederatedOptions options, int round, List<int> starting, int length, PaillierKeyPair keyAuthority, CancellationToken cancellationToken)
    {
        var packer = new PackedPaillier(keyAuthority.Public, options.Clients);
        var posts = await board.CollectAsync(Phases.Encrypted(round), starting, options.EffectiveRoundTimeout, cancellationToken).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        BigInteger[]? sum = null;
        var participants = new List<int>();
        foreach (var (client, bytes) in posts.OrderBy(p => p.Key))
        {
            BigInteger[] ciphertexts;
            try
            {
                ciphertexts = packer.Deserialize(bytes);
            }
            catch (InvalidDataException)
            {
                continue;
            }

            if (ciphertexts.Length != packer.CiphertextCount(length + 1))
            {
                continue;
            }

            if (sum is null)
            {
                sum = ciphertexts;
            }
            else
            {
                packer.AddInto(sum, ciphertexts);
            }

            participants.Add(client);
        }

        if (sum is null)
        {
            throw new RoundFailedException($"round {round}: no encrypted update arrived within {options.EffectiveRoundTimeout.TotalSeconds:F0} s.");
        }

        var update = MeanOfWeightedSum(FixedPoint.Decode(packer.Decrypt(keyAuthority, sum, length + 1)), round);
        return new RoundOutcome(update, participants, clock.Elapsed.TotalSeconds, null);
    }

    // [Σ w·Δ, Σ w] → Σ w·Δ / Σ w.
    private static float[] MeanOfWeightedSum(float[] values, int round)
    {
        var weight = values[^1];
        if (!(weight > 0))
        {
            throw new InvalidOperationException($"round {round}: the aggregated weights sum to {weight}; expected a positive total.");
        }

        return [.. values[..^1].Select(v => v / weight)];
    }
}
