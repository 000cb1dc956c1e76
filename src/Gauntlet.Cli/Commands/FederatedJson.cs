using Gauntlet.Data;
using Gauntlet.Federated;
using Gauntlet.Federated.Byzantine;
using Gauntlet.Federated.Splits;
using Gauntlet.Privacy.Accounting;

namespace Gauntlet.Cli.Commands;

/// <summary>The JSON report of <c>gauntlet federated</c> (snake_case, documented in docs/federated.md).</summary>
internal static class FederatedJson
{
    public static object Document(FederatedReport report, LabeledImages train, LabeledImages test, string data, PrivacySpent? privacy)
    {
        var o = report.Options;
        return new
        {
            schema_version = 1,
            tool = "gauntlet",
            tool_version = CliApp.Version,
            seed = o.Seed,
            data,
            train_source = train.Source,
            train_count = train.Count,
            test_count = test.Count,
            clients = o.Clients,
            rounds = o.Rounds,
            aggregator = o.Aggregator,
            split = o.Split == SplitKind.Iid ? "iid" : "dirichlet",
            alpha = o.Split == SplitKind.Dirichlet ? o.Alpha : (double?)null,
            model = new { architecture = "mlp", hidden = o.Hidden, parameters = report.FinalWeights.Length },
            local = new { epochs = o.LocalTraining.Epochs, batch_size = o.LocalTraining.BatchSize, learning_rate = o.LocalTraining.LearningRate, optimizer = "sgd (momentum 0.9)", mu = o.LocalTraining.ProximalMu },
            byzantine = new { count = o.Byzantine, clients = report.ByzantineClients, attack = o.Byzantine > 0 ? ByzantineAttack.NameOf(o.Attack) : null, scale = o.AttackScale, krum_f = o.EffectiveAggregation.Byzantine },
            aggregation_mode = o.Mode switch
            {
                AggregationMode.SecureAggregation => "secure_aggregation",
                AggregationMode.Paillier => "paillier",
                _ => "plain",
            },
            secure_aggregation_threshold = o.Mode == AggregationMode.SecureAggregation ? o.EffectiveThreshold : (int?)null,
            paillier_bits = o.Mode == AggregationMode.Paillier ? o.PaillierBits : (int?)null,
            client_dp = o.Dp is { } dp ? new
            {
                clip = dp.Clip,
                noise_multiplier = dp.NoiseMultiplier,
                epsilon = privacy?.Epsilon,
                delta = privacy?.Delta,
                rdp_order = privacy?.Order,
                accountant = "rdp",
                note = privacy is null
                    ? "σ = 0: no noise, so no (ε, δ) guarantee"
                    : "client-level (user-level) DP: the Gaussian mechanism on the sum of clipped updates, every client in every round (sampling rate 1), composed over the rounds run",
            } : null,
            fleet = report.Fleet,
            drop = o.Drop is { } d ? new { client = d.ClientId, round = d.Round } : null,
            shard_sizes = report.ShardSizes,
            initial_accuracy = report.InitialAccuracy,
            final_accuracy = report.Rounds[^1].TestAccuracy,
            final_weights_l2 = Math.Sqrt(report.FinalWeights.Sum(w => (double)w * w)),
            bytes_up = report.Rounds.Sum(r => r.BytesUp),
            bytes_down = report.Rounds.Sum(r => r.BytesDown),
            setup_seconds = report.SetupSeconds,
            total_seconds = report.TotalSeconds,
            rounds_log = report.Rounds.Select(r => new
            {
                round = r.Round,
                test_accuracy = r.TestAccuracy,
                participants = r.Participants,
                dropped = r.Dropped,
                bytes_up = r.BytesUp,
                bytes_down = r.BytesDown,
                seconds = r.Seconds,
                aggregation_seconds = r.AggregationSeconds,
                selected = r.Selected,
            }),
        };
    }
}
