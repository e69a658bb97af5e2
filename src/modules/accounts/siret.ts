/**
 * SIRET: 14 digits whose Luhn sum is a multiple of 10 — except La Poste's establishments
 * (SIREN 356000000), whose digits must sum to a multiple of 5.
 */
export function normaliseSiret(input: string): string {
  return input.replace(/[\s.\u00a0-]/g, '');
}

export function isValidSiret(input: string): boolean {
  const siret = normaliseSiret(input);
  if (!/^\d{14}$/.test(siret)) return false;
  if (siret.startsWith('356000000')) {
    const sum = [...siret].reduce((acc, d) => acc + Number(d), 0);
    return sum % 5 === 0;
  }
  let sum = 0;
  for (let i = 0; i < 14; i++) {
    let d = Number(siret[13 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export function siretProblem(input: string): string | undefined {
  const siret = normaliseSiret(input);
  if (!/^\d+$/.test(siret)) return 'Le SIRET ne doit contenir que des chiffres.';
  if (siret.length !== 14) return `Le SIRET compte 14 chiffres (vous en avez saisi ${siret.length}).`;
  if (!isValidSiret(siret))
    return "Ce SIRET n'existe pas : vérifiez les chiffres (la clé de contrôle ne correspond pas).";
  return undefined;
}
