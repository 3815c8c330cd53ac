// Which environment variables are secrets: those are not written to the store
// (unless config persist-secrets is on) and come from the caller on restart.

const SECRET_NAME = /KEY|TOKEN|SECRET|PASSWORD/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

export function withoutSecrets(env: Record<string, string>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (!isSecretName(name)) kept[name] = value;
  return kept;
}

/** The secret-looking variables of `env`. */
export function secretsOf(env: Record<string, string>): Record<string, string> {
  const secrets: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (isSecretName(name)) secrets[name] = value;
  return secrets;
}
