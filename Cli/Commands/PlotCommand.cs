using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using DerivSpec.Cli.Fitting;
using DerivSpec.Cli.Output;
using DerivSpec.Runtime.IO;
using DerivSpec.Runtime.Model;
using DerivSpec.Tools;

namespace DerivSpec.Cli.Commands;

/// <summary>
/// <c>derivspec plot DIR</c>: draws the figures of a results folder written by <c>derivspec fit</c> again, from its
/// <c>cells.csv</c>, <c>features.csv</c> and <c>curves.csv</c> (and the model name in <c>model.dsm</c>). The new figures
/// replace the old ones all at once; nothing else in the folder changes.
/// </summary>
public static class PlotCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var dir = new Argument<string>("DIR") { Description = "A results folder written by 'derivspec fit'." };
        var command = new Command("plot", "Draw the figures of a results folder again (figures/*.png and *.svg).") { dir };
        command.SetAction(parse => CommandHost.Run(DerivSpecCli.Name, ct => Run(parse.GetRequiredValue(dir), stdout, ct), stderr));
        return command;
    }

    /// <summary>Redraws the figures of <paramref name="dir"/>; returns the exit code.</summary>
    public static int Run(string dir, TextWriter stdout, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(dir);
        ArgumentNullException.ThrowIfNull(stdout);
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"{dir}: no such folder.");
        var inputs = Read(dir);
        ct.ThrowIfCancellationRequested();
        using var output = OutputDirectory.Begin(dir);
        var written = FigureFiles.Write(inputs, output.PathFor);
        output.Commit();
        stdout.WriteLine($"drew {inputs.ModelName}'s figures for {inputs.Pseudotime.Length} samples × {inputs.FeatureNames.Count} features: {string.Join(", ", written.Select(w => Path.Combine(dir, w)))}");
        return ExitCodes.Success;
    }

    /// <summary>Reads what the figures are drawn from out of the results folder <paramref name="dir"/>.</summary>
    public static FigureInputs Read(string dir)
    {
        ArgumentNullException.ThrowIfNull(dir);
        var cells = Table.Read(Path.Combine(dir, ResultFiles.Cells));
        var features = Table.Read(Path.Combine(dir, ResultFiles.Features));
        var curves = Table.Read(Path.Combine(dir, ResultFiles.Curves));

        var pseudotime = cells.Numbers("pseudotime");
        var trueTime = cells.Has("true_time") ? cells.Numbers("true_time") : null;
        var featureNames = features.Strings("feature");
        var families = features.Header.Where(h => h.StartsWith("phi_", StringComparison.Ordinal)).Select(h => h["phi_".Length..]).ToArray();
        if (families.Length == 0) throw new DataFormatException(features.Path, "has no phi_<family> columns.", line: 1);
        var family = features.Strings("family");
        var assignments = new int[family.Length];
        for (int j = 0; j < family.Length; j++)
        {
            assignments[j] = Array.IndexOf(families, family[j]);
            if (assignments[j] < 0)
                throw new DataFormatException(features.Path, $"feature '{featureNames[j]}' has family '{family[j]}', which has no phi_ column.", line: j + 2, columnName: "family");
        }
        var phi = new double[featureNames.Length, families.Length];
        for (int k = 0; k < families.Length; k++)
        {
            var column = features.Numbers("phi_" + families[k]);
            for (int j = 0; j < column.Length; j++) phi[j, k] = column[j];
        }
        var grid = curves.Numbers("z");
        var assigned = featureNames.Select(f => curves.Numbers(f)).ToArray();
        var trueFamilies = features.Has("true_family") ? features.Strings("true_family") : null;

        string model = "model";
        var modelFile = Path.Combine(dir, ResultFiles.Model);
        if (File.Exists(modelFile))
        {
            var header = ModelFile.ReadHeader(modelFile);
            if (header.SpecName.Length > 0) model = header.SpecName;
        }
        return new FigureInputs
        {
            ModelName = model,
            FamilyNames = families,
            FeatureNames = featureNames,
            Assignments = assignments,
            Phi = phi,
            Grid = grid,
            AssignedCurves = assigned,
            Pseudotime = pseudotime,
            TrueFamilies = trueFamilies,
            TrueTime = trueTime,
        };
    }

    /// <summary>A CSV file of a results folder (RFC 4180 quoting, as <see cref="CsvWriter"/> writes it).</summary>
    private sealed class Table
    {
        private readonly List<string[]> _rows;

        private Table(string path, string[] header, List<string[]> rows)
        {
            Path = path;
            Header = header;
            _rows = rows;
        }

        public string Path { get; }

        public string[] Header { get; }

        public static Table Read(string path)
        {
            if (!File.Exists(path)) throw new FileNotFoundException($"{path}: missing; is this a folder written by 'derivspec fit'?", path);
            var records = Parse(File.ReadAllText(path, Encoding.UTF8), path);
            if (records.Count == 0) throw new DataFormatException(path, "is empty.");
            var header = records[0];
            for (int r = 1; r < records.Count; r++)
                if (records[r].Length != header.Length)
                    throw new DataFormatException(path, $"has {records[r].Length} fields where the header has {header.Length}.", line: r + 1);
            return new Table(path, header, records.Skip(1).ToList());
        }

        public bool Has(string column) => Array.IndexOf(Header, column) >= 0;

        private int Index(string column)
        {
            int c = Array.IndexOf(Header, column);
            return c >= 0 ? c : throw new DataFormatException(Path, $"has no column '{column}'.", line: 1);
        }

        public string[] Strings(string column)
        {
            int c = Index(column);
            return _rows.Select(r => r[c]).ToArray();
        }

        public double[] Numbers(string column)
        {
            int c = Index(column);
            var values = new double[_rows.Count];
            for (int r = 0; r < values.Length; r++)
                if (!double.TryParse(_rows[r][c], NumberStyles.Float, CultureInfo.InvariantCulture, out values[r]))
                    throw new DataFormatException(Path, $"'{_rows[r][c]}' is not a number.", line: r + 2, column: c + 1, columnName: column);
            return values;
        }

        private static List<string[]> Parse(string text, string path)
        {
            var records = new List<string[]>();
            var fields = new List<string>();
            var field = new StringBuilder();
            bool quoted = false, any = false;
            for (int i = 0; i < text.Length; i++)
            {
                char ch = text[i];
                if (quoted)
                {
                    if (ch == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                        else quoted = false;
                    }
                    else field.Append(ch);
                    continue;
                }
                switch (ch)
                {
                    case '"': quoted = true; any = true; break;
                    case ',': fields.Add(field.ToString()); field.Clear(); any = true; break;
                    case '\r': break;
                    case '\n':
                        if (any || field.Length > 0) { fields.Add(field.ToString()); records.Add(fields.ToArray()); }
                        fields.Clear(); field.Clear(); any = false;
                        break;
                    default: field.Append(ch); any = true; break;
                }
            }
            if (quoted) throw new DataFormatException(path, "ends inside a quoted field.");
            if (any || field.Length > 0) { fields.Add(field.ToString()); records.Add(fields.ToArray()); }
            return records;
        }
    }
}
