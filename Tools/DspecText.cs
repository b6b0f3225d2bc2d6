using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace DerivSpec.Tools;

/// <summary>
/// A <c>.dspec</c> held in memory as a Roslyn <see cref="AdditionalText"/>: how text that is not a project file
/// reaches the generator (the run-time compiler, and tests driving the generator directly).
/// </summary>
public sealed class DspecText : AdditionalText
{
    private readonly SourceText _text;

    /// <summary>Wraps <paramref name="text"/> as the file <paramref name="path"/>.</summary>
    public DspecText(string path, string text)
    {
        Path = path;
        _text = SourceText.From(text);
    }

    /// <inheritdoc />
    public override string Path { get; }

    /// <inheritdoc />
    public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
}
