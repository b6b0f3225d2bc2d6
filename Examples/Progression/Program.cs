using System;
using DerivSpec.Examples.Progression;

return ProgressionExample.Run(args, Console.Out, Console.Error);
