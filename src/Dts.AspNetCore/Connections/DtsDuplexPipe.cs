using System.IO.Pipelines;

namespace Dts.AspNetCore.Connections;

internal sealed class DtsDuplexPipe(RecordingPipeReader input, SilenceablePipeWriter output) : IDuplexPipe
{
    public RecordingPipeReader Recorder => input;

    public SilenceablePipeWriter Silencer => output;

    PipeReader IDuplexPipe.Input => input;

    PipeWriter IDuplexPipe.Output => output;
}
