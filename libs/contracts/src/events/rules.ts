import { IsString, Length } from 'class-validator';

/** An identifier: a string of 1–128 characters. */
export function IsId(): PropertyDecorator {
  return (target, property) => {
    IsString()(target, property);
    Length(1, 128)(target, property);
  };
}
