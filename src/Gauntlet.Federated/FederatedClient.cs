using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Gauntlet.Data;
using Gauntlet.Federated.Byzantine;
using Gauntlet.Federated.Homomorphic;
using Gauntlet.Federated.Privacy;
using Gauntlet.Federated.Protocol;
using Gauntlet.Federated.SecureAggregation;
using Gauntlet.Federated.Training;
using Gauntlet.Federated.Transport;

namespace Gauntlet.Federated;

/// <summary>One client of a federation: fetches its setup, then each round trains on its shard and sends its update the way the run's mode says.</summary>
public static class FederatedClient
{
    /// <summary>Runs client <paramref name="clientId"/> against the server at <paramref name="server"/> until the server ends the run.</summary>
    /// <param name="server">The server's base address.</param>
    /// <param name="clientId">This client's id.</param>
    /// <param name="train">The full training set (the server sends the indices of this client's shard).</param>
    /// <param name="cancellationToken">Stops the client at once, closing its connections (how a test kills an in-process client).</param>
    /// <exception cref="InvalidDataException">The training set is not the one the server split.</exception>
    public static async Task RunAsync(Uri server, int clientId, LabeledImages train, CancellationToken cancellationToken = default)
    {
        using var board = new BoardClient(server, clientId);
        var setup = ClientSetup.FromBytes(await board.GetAsync(Phases.Setup, TimeSpan.FromMinutes(5), cancellationToken).ConfigureAwait(false));
        if (setup.TrainCount != train.Count || setup.Indices.Any(i => i < 0 || i >= train.Count))
        {
            throw new InvalidDataException($"client {clientId}: the server split a training set of {setup.TrainCount} samples; this client holds {train.Count}.");
        }

        var timeout = TimeSpan.FromSeconds(setup.PhaseTimeoutSeconds);
        var attack = setup.Attack is { } name ? ByzantineAttack.Parse(name) : (ByzantineAttackKind?)null;
        var shard = train.Select(setup.Indices);
        if (attack is { } a)
        {
            shard = new LabeledImages(shard.Images, ByzantineAttack.TrainingLabels(a, shard.Labels, shard.ClassCount), shard.ClassCount, shard.Source, shard.ClassNames);
        }

        var model = FederatedModels.Mlp(setup.SampleShape, setup.Classes, setup.Hidden, setup.Seed);
        var local = new LocalTrainingOptions(setup.Epochs, setup.BatchSize, setup.LearningRate, setup.Mu);
        var dp = setup.DpClip is { } clip ? new ClientLevelDp(clip, 0f) : null;
        for (var round = 1; ; round++)
        {
            var global = await board.GetAsync(Phases.Global(round), timeout + timeout, cancellationToken).ConfigureAwait(false);
            if (global.Length == 0)
            {
                return;
            }

            var delta = LocalTraining.Update(model, Wire.Floats(global), shard, local, ClientSetup.LocalSeed(setup.Seed, round, clientId), cancellationToken);
            if (attack is { } kind)
            {
                delta = ByzantineAttack.Corrupt(kind, delta, setup.AttackScale);
            }

            dp?.ClipInPlace(delta);
            switch (setup.Mode)
            {
                case AggregationMode.Plain:
                    await board.PostAsync(Phases.Update(round), Wire.Update(setup.Weight, delta), cancellationToken).ConfigureAwait(false);
                    break;
                case AggregationMode.SecureAggregation:
                    await SecureRoundAsync(board, round, setup, WeightedWords(delta, setup.Weight), timeout, cancellationToken).ConfigureAwait(false);
                    break;
                case AggregationMode.Paillier:
                    var packer = new PackedPaillier(new PaillierPublicKey(BigInteger.Parse("0" + setup.PaillierModulus, NumberStyles.HexNumber, CultureInfo.InvariantCulture)), setup.Clients);
                    var ciphertexts = packer.Encrypt(WeightedWords(delta, setup.Weight));
                    await board.PostAsync(Phases.Encrypted(round), packer.Serialize(ciphertexts), cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }

    /// <summary>The fixed-point words of [w·Δ, w]: what a sum-only protocol adds up (the last word sums the weights).</summary>
    public static uint[] WeightedWords(float[] delta, double weight)
    {
        var values = new float[delta.Length + 1];
        for (var i = 0; i < delta.Length; i++)
        {
            values[i] = (float)(delta[i] * weight);
        }

        values[^1] = (float)weight;
        return FixedPoint.Encode(values);
    }

    private static async Task SecureRoundAsync(BoardClient board, int round, ClientSetup setup, uint[] words, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var protocol = new SecureAggregationClient(setup.ClientId, setup.Threshold);
        await board.PostAsync(Phases.Keys(round), Wire.Keys([protocol.Advertise()]), cancellationToken).ConfigureAwait(false);
        var roster = Wire.Keys(await board.GetAsync(Phases.Roster(round), timeout + timeout, cancellationToken).ConfigureAwait(false));
        if (roster.All(k => k.ClientId != setup.ClientId))
        {
            return; // Too late for this round's roster: sit it out.
        }

        await board.PostAsync(Phases.Shares(round), Wire.Shares(protocol.ShareKeys(roster)), cancellationToken).ConfigureAwait(false);
        var inbox = Wire.Shares(await board.GetAsync(Phases.Inbox(round), timeout + timeout, cancellationToken).ConfigureAwait(false));
        if (inbox.Count == 0)
        {
            return;
        }

        await board.PostAsync(Phases.Masked(round), Wire.Words(protocol.MaskedInput(words, inbox)), cancellationToken).ConfigureAwait(false);
        var masked = JsonSerializer.Deserialize<int[]>(await board.GetAsync(Phases.MaskedSet(round), timeout + timeout, cancellationToken).ConfigureAwait(false)) ?? [];
        if (!masked.Contains(setup.ClientId))
        {
            return;
        }

        await board.PostAsync(Phases.Unmask(round), Wire.Unmasking(protocol.Unmask(masked)), cancellationToken).ConfigureAwait(false);
    }
}
