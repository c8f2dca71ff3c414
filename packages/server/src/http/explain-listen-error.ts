import { EXIT, OperatorError } from '../errors/exit-codes.js';

/** Why the server could not listen, naming the port and host, as one line for the operator (exit 5). */
export function explainListenError(error: unknown, host: string, port: number): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const where = `port ${port} on ${host}`;
  switch (code) {
    case 'EADDRINUSE':
      return new OperatorError(`${where} is already in use by another program; stop it or set LATCHKEY_PORT to a free port`, EXIT.listen);
    case 'EACCES':
      return new OperatorError(`no permission to listen on ${where} (ports below 1024 need privileges); set LATCHKEY_PORT above 1023`, EXIT.listen);
    case 'EADDRNOTAVAIL':
      return new OperatorError(`cannot listen on ${where}: ${host} is not an address of this machine; fix LATCHKEY_HOST`, EXIT.listen);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new OperatorError(`cannot listen on ${where}: the host name ${host} does not resolve; fix LATCHKEY_HOST`, EXIT.listen);
    default:
      return error;
  }
}
