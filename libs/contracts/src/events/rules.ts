import { IsString, Length, ValidateBy, ValidateIf, type ValidationOptions } from 'class-validator';

/** An identifier: a string of 1–128 characters. */
export function IsId(): PropertyDecorator {
  return (target, property) => {
    IsString()(target, property);
    Length(1, 128)(target, property);
  };
}

/**
 * An optional field: it may be left out, but when present it is checked, null included. (Unlike
 * class-validator's `IsOptional`, which passes null, so that `"verifiedOnline": null` would
 * reach the canonical event instead of the default, and the published schema refuses null.)
 */
export function IsOmittable(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}

/** How many decimal places a number has, also when JavaScript writes it with an exponent (1e-7). */
export function decimalPlaces(value: number): number {
  const [mantissa, exponent] = value.toString().split('e');
  const fraction = mantissa!.split('.')[1]?.length ?? 0;
  return Math.max(0, fraction - Number(exponent ?? 0));
}

/**
 * A finite number with at most `places` decimal places. (class-validator's own `maxDecimalPlaces`
 * throws a TypeError on numbers it writes with an exponent, such as 1e-7, instead of refusing them.)
 */
export function MaxDecimalPlaces(places: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'maxDecimalPlaces',
      constraints: [places],
      validator: {
        validate: (value: unknown) =>
          typeof value === 'number' && Number.isFinite(value) && decimalPlaces(value) <= places,
        defaultMessage: () => `$property must have at most ${places} decimal places`,
      },
    },
    options,
  );
}
