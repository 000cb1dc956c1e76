using System.CommandLine;
using System.Globalization;
using Gauntlet.Privacy.Accounting;
using Spectre.Console;

namespace Gauntlet.Cli.Commands;

/// <summary><c>gauntlet privacy-budget</c>: the (ε, δ) of DP-SGD's subsampled Gaussian mechanism after T steps (docs/privacy.md).</summary>
internal static class PrivacyBudgetCommand
{
    // PRV grids grow with √steps; past this many points a run needs gigabytes, and RDP is the tool.
    private const int MaxSteps = 10_000_000;

    public static Command Create(IAnsiConsole console)
    {
        var sampleRate = NumericOption.OptionalDouble("--sample-rate", "q: the probability that a record is in a batch (Poisson sampling; expected batch size / data set size).", new RealRange(0, 1, MinExclusive: true));
        var noise = NumericOption.OptionalDouble("--noise-multiplier", "σ: the Gaussian noise's std in units of the clipping norm.", RealRange.Positive(1000));
        var steps = NumericOption.OptionalInt("--steps", "T: the number of steps (batches) taken.", min: 1, max: MaxSteps);
        var delta = NumericOption.OptionalDouble("--delta", "δ: the failure probability of the (ε, δ) guarantee.", new RealRange(0, 1, MinExclusive: true, MaxExclusive: true));
        foreach (var option in new Option[] { sampleRate, noise, steps, delta })
        {
            option.Required = true;
        }

        var accountantName = new Option<string>("--accountant") { Description = "rdp: Rényi DP over Opacus's orders with the Balle et al. 2020 conversion (prints the order); prv: Gopi et al. 2021's numerical composition, an upper bound within 0.01 of the true ε.", DefaultValueFactory = _ => "rdp" };
        accountantName.AcceptOnlyFromAmong([.. PrivacyAccountants.Names]);
        var json = new Option<string?>("--json") { Description = "Write epsilon, delta, order, the accountant and the mechanism's parameters as JSON; '-' writes it to standard output." };
        var command = new Command("privacy-budget", "The privacy DP-SGD spends: ε at δ after T steps of the Poisson-subsampled Gaussian mechanism (RDP or PRV accountant).")
        {
            sampleRate, noise, steps, delta, accountantName, json,
        };
        command.SetAction(parse =>
        {
            using var outputs = new CommandOutputs(parse, []);
            outputs.File("--json", parse.GetValue(json));
            var ui = outputs.ConsoleFor(console);
            var (q, sigma, t, d) = (parse.GetValue(sampleRate)!.Value, parse.GetValue(noise)!.Value, parse.GetValue(steps)!.Value, parse.GetValue(delta)!.Value);
            var accountant = PrivacyAccountants.Create(parse.GetValue(accountantName)!);
            PrivacySpent spent;
            try
            {
                spent = accountant.Spent(q, sigma, t, d);
            }
            catch (InvalidOperationException ex)
            {
                // The PRV grid cannot resolve this δ, or its domain does not reach it: the settings' limits, not a bug.
                throw new UserInputException($"--accountant {accountant.Name}: {ex.Message}; try --accountant rdp.", ex);
            }

            var order = spent.Order is { } a ? $", order α = {a.ToString("G", CultureInfo.InvariantCulture)}" : ", upper bound (estimate + 0.01)";
            ui.MarkupLine(Markup.Escape($"ε = {(double.IsFinite(spent.Epsilon) ? spent.Epsilon.ToString("G12", CultureInfo.InvariantCulture) : "∞ (no finite guarantee)")} at δ = {d.ToString("G", CultureInfo.InvariantCulture)} ({accountant.Name}{order}) for q = {q.ToString("G", CultureInfo.InvariantCulture)}, σ = {sigma.ToString("G", CultureInfo.InvariantCulture)}, {t:N0} steps"));
            if (parse.GetValue(json) is not null)
            {
                outputs.WriteJson("--json", new Dictionary<string, object?>
                {
                    ["schema_version"] = 1,
                    ["tool_version"] = CliApp.Version,
                    ["accountant"] = accountant.Name,
                    ["epsilon"] = double.IsFinite(spent.Epsilon) ? spent.Epsilon : null,
                    ["delta"] = d,
                    ["order"] = spent.Order,
                    ["sample_rate"] = q,
                    ["noise_multiplier"] = sigma,
                    ["steps"] = t,
                    ["conversion"] = spent.Order is null ? null : "balle2020",
                    ["epsilon_error"] = accountant is PrvAccountant prv ? prv.EpsilonError : null,
                });
            }

            outputs.Commit();
            return CliApp.ExitOk;
        });
        return command;
    }
}
